//! What a file must look like to be attached: an allowed type whose bytes
//! agree with it, and a harmless name.

/// Families whose formats are zip containers: a sniffer sees `application/zip`.
const ZIP_CONTAINERS: &[&str] = &[
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// Types whose bytes always carry a signature the sniffer recognises, so
/// unrecognised bytes mean the file is not what it claims.
const SIGNED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/zip",
];

fn allowed(declared: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| match a.strip_suffix("/*") {
        Some(family) => declared.split('/').next() == Some(family),
        None => a == declared,
    })
}

/// Checks a declared content type against the allow-list and the bytes.
/// Returns the type to store (lowercase, without parameters).
pub fn check_content_type(
    declared: &str,
    bytes: &[u8],
    allow_list: &[String],
) -> Result<String, String> {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let declared = if declared.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        declared
    };
    if !allowed(&declared, allow_list) {
        return Err(format!(
            "files of type `{declared}` are not accepted; accepted: {}",
            allow_list.join(", ")
        ));
    }
    let sniffed = infer::get(bytes).map(|t| t.mime_type());
    match sniffed {
        Some(s) if s == declared => Ok(declared),
        Some(s) if ZIP_CONTAINERS.contains(&s) && ZIP_CONTAINERS.contains(&declared.as_str()) => {
            Ok(declared)
        }
        Some(s) => Err(format!(
            "the file is declared as `{declared}` but its content is `{s}`"
        )),
        None if SIGNED_TYPES.contains(&declared.as_str()) => {
            Err(format!("the content is not a valid `{declared}` file"))
        }
        None => Ok(declared),
    }
}

/// The last path component, without control characters or quotes, at most
/// 200 characters; "file" when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !crate::text::is_bidi_control(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow() -> Vec<String> {
        [
            "image/png",
            "application/pdf",
            "text/plain",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn matching_type_is_accepted_and_normalised() {
        assert_eq!(
            check_content_type("IMAGE/PNG; x=y", PNG, &allow()).unwrap(),
            "image/png"
        );
        assert_eq!(
            check_content_type("text/plain", b"hello", &allow()).unwrap(),
            "text/plain"
        );
    }

    #[test]
    fn type_not_on_the_list_is_refused() {
        let err =
            check_content_type("application/x-msdownload", b"MZ\x90\0", &allow()).unwrap_err();
        assert!(err.contains("not accepted"), "{err}");
    }

    #[test]
    fn bytes_that_contradict_the_declared_type_are_refused() {
        let err = check_content_type("text/plain", PNG, &allow()).unwrap_err();
        assert!(err.contains("image/png"), "{err}");
        let err = check_content_type("application/pdf", b"just text", &allow()).unwrap_err();
        assert!(err.contains("not a valid"), "{err}");
    }

    #[test]
    fn office_documents_sniffed_as_zip_are_fine() {
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00";
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert!(check_content_type(docx, zip, &allow()).is_ok());
    }

    #[test]
    fn filenames_lose_paths_and_dangerous_characters() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize_filename("C:\\Users\\x\\report \"final\".pdf"),
            "report final.pdf"
        );
        assert_eq!(sanitize_filename(".htaccess"), "htaccess");
        assert_eq!(sanitize_filename("\u{0}"), "file");
        assert_eq!(
            sanitize_filename("invoice\u{202e}fdp.js"),
            "invoicefdp.js",
            "a right-to-left override would show it as invoicesj.pdf"
        );
        assert_eq!(sanitize_filename("a\u{2066}b\u{200f}c.txt"), "abc.txt");
    }
}
