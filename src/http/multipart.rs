//! Multipart bodies as the API and the pages read them: files within a
//! size and count limit, text fields with control characters removed, and
//! the names a download goes out under.

use actix_multipart::Multipart;
use actix_web::http::header::{self, DispositionParam};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::error::AppError;

/// A file as received.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The multipart part it came in (empty for mail attachments).
    pub part: String,
    pub filename: String,
    pub declared_type: String,
    pub bytes: Vec<u8>,
}

/// A text field of a multipart form read by [`read_uploads`] (empty when
/// absent).
pub fn form_field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Reads the files and text fields of a multipart body, each file within
/// the size limit and at most `max_files` of them; the first file refused
/// fails the request.
pub async fn read_uploads(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: u64,
    max_files: usize,
) -> Result<(Vec<Upload>, Vec<(String, String)>), AppError> {
    let form = read_form(req, payload, max_bytes, max_files).await?;
    match form.refused {
        Some(e) => Err(e),
        None => Ok((form.files, form.fields)),
    }
}

/// A multipart form as a page reads it: the text fields whole even when a
/// file was refused, so that the page can show the form again with what
/// the person typed.
pub struct FormParts {
    pub files: Vec<Upload>,
    pub fields: Vec<(String, String)>,
    /// Why a file was left out (too large, too many).
    pub refused: Option<AppError>,
}

/// Reads a multipart form; a refused file is skipped (and reported in
/// [`FormParts::refused`]) while the other fields are still read, up to a
/// bound on the whole body.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: u64,
    max_files: usize,
) -> Result<FormParts, AppError> {
    // A refused file is read to its end to reach the fields after it, but
    // a body beyond this is cut off.
    let body_cap = max_bytes
        .saturating_mul(max_files as u64 + 2)
        .saturating_add(1 << 20);
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut form = FormParts {
        files: Vec::new(),
        fields: Vec::new(),
        refused: None,
    };
    let mut total = 0u64;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or("").to_owned();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        let declared_type = field
            .content_type()
            .map(|m| m.to_string())
            .unwrap_or_default();
        let cap = if filename.is_some() {
            max_bytes
        } else {
            65_536
        };
        let Some(bytes) = read_part(&mut field, cap, &mut total, body_cap).await? else {
            if filename.is_none() {
                return Err(AppError::PayloadTooLarge(format!(
                    "the field `{name}` is larger than {cap} bytes"
                )));
            }
            let label = filename.unwrap_or_default();
            form.refused
                .get_or_insert(AppError::PayloadTooLarge(format!(
                    "`{label}` is larger than the limit of {cap} bytes"
                )));
            continue;
        };
        match filename {
            Some(filename) if !filename.is_empty() || !bytes.is_empty() => {
                if form.files.len() >= max_files {
                    form.refused.get_or_insert(AppError::conflict(
                        "attachment_limit",
                        format!("at most {max_files} files per ticket"),
                    ));
                    continue;
                }
                form.files.push(Upload {
                    part: name.clone(),
                    filename,
                    declared_type,
                    bytes,
                });
            }
            Some(_) => {}
            None => form.fields.push((
                name,
                crate::text::strip_controls_owned(String::from_utf8_lossy(&bytes).into_owned()),
            )),
        }
    }
    Ok(form)
}

/// One part's bytes, or `None` when it is larger than `cap` (read to its
/// end all the same, to reach the parts after it); the whole body stops at
/// `body_cap`.
async fn read_part(
    field: &mut actix_multipart::Field,
    cap: u64,
    total: &mut u64,
    body_cap: u64,
) -> Result<Option<Vec<u8>>, AppError> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        *total += chunk.len() as u64;
        if *total > body_cap {
            return Err(AppError::PayloadTooLarge(format!(
                "the form is larger than {body_cap} bytes"
            )));
        }
        if (bytes.len() + chunk.len()) as u64 > cap {
            too_large = true;
            bytes.clear();
        }
        if !too_large {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok((!too_large).then_some(bytes))
}

/// `filename` in ASCII for old clients and, for any other name, RFC 6266's
/// `filename*` in UTF-8 that current browsers prefer.
pub fn disposition_names(name: &str) -> Vec<DispositionParam> {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut params = vec![DispositionParam::Filename(ascii)];
    if !name.is_ascii() {
        params.push(DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }));
    }
    params
}

fn multipart_error(e: actix_multipart::MultipartError) -> AppError {
    use actix_multipart::MultipartError as M;
    match e {
        M::ContentTypeMissing
        | M::ContentTypeParse
        | M::ContentTypeIncompatible
        | M::BoundaryMissing => AppError::UnsupportedMediaType(
            "send files as multipart/form-data with one `file` part per file".into(),
        ),
        other => AppError::bad_request("invalid_multipart", other.to_string()),
    }
}

/// A yes/no form field: `true`/`false` (any case), `1`/`0`, `yes`/`no`,
/// `on`/`off`; anything else is named as the fault.
pub fn parse_flag(field: &str, value: &str) -> Result<bool, AppError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(AppError::invalid(
            field,
            format!("`{other}` is not true or false"),
        )),
    }
}

/// A stored file's bytes as a download browsers will not render or sniff
/// (ticket attachments, contract documents).
pub fn download_response(content_type: &str, filename: &str, bytes: Vec<u8>) -> HttpResponse {
    use actix_web::http::header::{ContentDisposition, DispositionType};
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: disposition_names(filename),
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header(disposition)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(bytes)
}
