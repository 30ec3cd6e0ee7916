//! The report's SVG charts as PNG images for mail (mail clients such as
//! Gmail and Outlook do not show inline SVG): the same drawing rendered
//! with `resvg`, at twice its size for sharp text. Text is drawn only with
//! fonts loaded: DejaVu Sans from Debian's `fonts-dejavu-core`.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

/// Where Debian keeps DejaVu.
pub const FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";

static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for entry in std::fs::read_dir(FONT_DIR).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ttf")
            && let Ok(bytes) = std::fs::read(&path)
        {
            db.load_font_data(bytes);
        }
    }
    db.set_sans_serif_family("DejaVu Sans");
    if db.is_empty() {
        tracing::warn!(
            dir = FONT_DIR,
            "no fonts for the report's mailed charts: install fonts-dejavu-core, or they have no labels"
        );
    }
    Arc::new(db)
});

/// Whether labels can be drawn.
pub fn has_fonts() -> bool {
    !FONTS.is_empty()
}

/// One chart as PNG bytes.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: FONTS.clone(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("reading a chart: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2)
        .ok_or_else(|| "a chart of no size".to_owned())?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("writing a chart: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_becomes_a_png_with_its_labels_drawn() {
        let groups = vec![super::super::chart::Group {
            label: "Oct 26".into(),
            values: vec![8, 6],
        }];
        let svg = super::super::chart::grouped_bars(
            "Created and resolved",
            &["Created", "Resolved"],
            &groups,
        );
        let bytes = png(&svg).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(has_fonts(), "install fonts-dejavu-core");
        // Without text the same drawing has fewer dark pixels.
        let plain = png(&svg.replace("<text", "<desc").replace("</text>", "</desc>")).unwrap();
        let dark = |b: &[u8]| {
            let p = tiny_skia::Pixmap::decode_png(b).unwrap();
            p.pixels()
                .iter()
                .filter(|c| c.red() < 80 && c.green() < 80 && c.blue() < 80)
                .count()
        };
        assert!(dark(&bytes) > dark(&plain) + 100, "labels are drawn");
    }
}
