//! Printable asset labels: a QR code that opens the asset's page, the tag
//! in large type, model and serial — on sheets (A4 or Letter, rows ×
//! columns, e.g. 3 × 7) or one per label on a label printer's tape (e.g.
//! 62 × 29 mm). Sizes come from a small stylesheet with CSS `@page` made
//! for the chosen layout (the page's policy allows no inline styles).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use qrcode::QrCode;
use qrcode::render::svg;

use super::assets::staff;
use super::session::Nav;
use super::{PageError, WebUser, render};
use crate::assets::dto::AssetListParams;
use crate::assets::service::{self, AssetView};
use crate::error::{AppError, blocking};
use crate::state::AppState;

/// The most labels one page prints.
const MOST: usize = 1000;

/// How labels are laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// A sheet of `columns` × `rows` labels on A4 or Letter.
    Sheet {
        letter: bool,
        columns: u32,
        rows: u32,
    },
    /// One label per page of a tape `width` × `height` mm.
    Tape { width: u32, height: u32 },
}

fn number(
    q: &[(String, String)],
    name: &str,
    default: u32,
    range: (u32, u32),
) -> Result<u32, String> {
    match q.iter().rev().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, v)) if v.trim().is_empty() => Ok(default),
        Some((_, v)) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (range.0..=range.1).contains(n))
            .ok_or_else(|| format!("{name} is a whole number from {} to {}", range.0, range.1)),
    }
}

impl Layout {
    /// Reads `layout` (`a4`, `letter` or `tape`), `columns` and `rows` (for
    /// sheets) and `width_mm` and `height_mm` (for tape). A shorthand such
    /// as `a4-3x7` or `tape-62x29` is read too.
    pub fn read(q: &[(String, String)]) -> Result<Layout, String> {
        let raw = q
            .iter()
            .rev()
            .find(|(k, _)| k == "layout")
            .map(|(_, v)| v.trim().to_lowercase())
            .unwrap_or_else(|| "a4".into());
        let (kind, size) = raw.split_once('-').unwrap_or((raw.as_str(), ""));
        let (a, b) = size.split_once('x').unwrap_or(("", ""));
        let mut q = q.to_vec();
        if !a.is_empty() {
            let (wa, wb) = if kind == "tape" {
                ("width_mm", "height_mm")
            } else {
                ("columns", "rows")
            };
            q.insert(0, (wa.into(), a.into()));
            q.insert(1, (wb.into(), b.into()));
        }
        let given = |name: &str| q.iter().filter(|(k, _)| k == name).count() > 0;
        // The shorthand counts unless a box names the number itself.
        let pick = |name: &str, default, range| {
            if given(name) {
                let last_given: Vec<(String, String)> = q
                    .iter()
                    .filter(|(k, v)| k == name && !v.trim().is_empty())
                    .cloned()
                    .collect();
                number(&last_given, name, default, range)
            } else {
                Ok(default)
            }
        };
        match kind {
            "a4" | "letter" => Ok(Layout::Sheet {
                letter: kind == "letter",
                columns: pick("columns", 3, (1, 6))?,
                rows: pick("rows", if kind == "letter" { 10 } else { 7 }, (1, 20))?,
            }),
            "tape" => Ok(Layout::Tape {
                width: pick("width_mm", 62, (20, 200))?,
                height: pick("height_mm", 29, (12, 200))?,
            }),
            other => Err(format!("layout is a4, letter or tape, not {other:?}")),
        }
    }

    /// The layout as query parameters (for the stylesheet's address).
    pub fn query(&self) -> String {
        match self {
            Layout::Sheet {
                letter,
                columns,
                rows,
            } => format!(
                "layout={}&columns={columns}&rows={rows}",
                if *letter { "letter" } else { "a4" }
            ),
            Layout::Tape { width, height } => {
                format!("layout=tape&width_mm={width}&height_mm={height}")
            }
        }
    }

    fn per_page(&self) -> usize {
        match self {
            Layout::Sheet { columns, rows, .. } => (columns * rows) as usize,
            Layout::Tape { .. } => 1,
        }
    }

    /// The stylesheet: the paper size for `@page` and each label's box.
    pub fn css(&self) -> String {
        match self {
            Layout::Sheet {
                letter,
                columns,
                rows,
            } => {
                // Paper and a printable margin, in mm.
                let (w, h, size) = if *letter {
                    (215.9, 279.4, "letter")
                } else {
                    (210.0, 297.0, "A4")
                };
                let margin = 8.0;
                let cell_w = (w - 2.0 * margin) / *columns as f64;
                let cell_h = (h - 2.0 * margin) / *rows as f64;
                let qr = (cell_h - 4.0).min(cell_w * 0.45).max(8.0);
                format!(
                    "@page {{ size: {size}; margin: {margin}mm; }}\n\
                     .sheet {{ display: grid; grid-template-columns: repeat({columns}, {cell_w:.2}mm); grid-auto-rows: {cell_h:.2}mm; width: {sw:.2}mm; }}\n\
                     .sheet + .sheet {{ break-before: page; }}\n\
                     .label {{ box-sizing: border-box; padding: 2mm; display: flex; gap: 2mm; align-items: center; overflow: hidden; }}\n\
                     .label svg {{ width: {qr:.2}mm; height: {qr:.2}mm; flex: 0 0 auto; }}\n\
                     @media screen {{ .label {{ outline: 1px dashed #b9c1cf; }} .sheet {{ margin-bottom: 1rem; background: #fff; }} }}\n",
                    sw = cell_w * *columns as f64,
                )
            }
            Layout::Tape { width, height } => {
                let qr = (*height as f64 - 4.0).max(8.0);
                format!(
                    "@page {{ size: {width}mm {height}mm; margin: 0; }}\n\
                     .label {{ box-sizing: border-box; width: {width}mm; height: {height}mm; padding: 2mm; display: flex; gap: 2mm; align-items: center; overflow: hidden; }}\n\
                     .sheet + .sheet {{ break-before: page; }}\n\
                     .label svg {{ width: {qr:.2}mm; height: {qr:.2}mm; flex: 0 0 auto; }}\n\
                     @media screen {{ .label {{ outline: 1px dashed #b9c1cf; background: #fff; margin-bottom: .5rem; }} }}\n"
                )
            }
        }
    }
}

/// A QR code for `url` as inline SVG (no XML prolog).
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a QR code for {url}: {e}")))?;
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(96, 96)
        .build();
    Ok(match image.find("<svg") {
        Some(i) => image[i..].to_owned(),
        None => image,
    })
}

struct Label {
    tag: String,
    line: String,
    serial: String,
    qr: String,
}

#[derive(Template)]
#[template(path = "asset_labels.html", config = "src/web/askama.toml")]
struct LabelsPage {
    nav: Nav,
    layout: String,
    kind: &'static str,
    columns: u32,
    rows: u32,
    width: u32,
    height: u32,
    sheets: Vec<Vec<Label>>,
    hidden: Vec<(String, String)>,
    error: Option<String>,
    total: usize,
}

/// The assets a label request names: `tag` (repeatable), or the register's
/// filters (`status`, `category`, `q`, `location`).
fn chosen(
    state: &AppState,
    actor: &crate::auth::User,
    q: &[(String, String)],
) -> Result<Vec<AssetView>, AppError> {
    let tags: Vec<&str> = q
        .iter()
        .filter(|(k, v)| k == "tag" && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
        .collect();
    if !tags.is_empty() {
        return tags
            .iter()
            .take(MOST)
            .map(|t| service::get(&state.db, actor, t, false))
            .collect();
    }
    let get = |k: &str| {
        q.iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut params = AssetListParams {
        status: get("status"),
        category: get("category"),
        q: get("q"),
        location: get("location"),
        warranty_before: get("warranty_before"),
        needs_review: get("needs_review").map(|v| v == "true"),
        limit: Some(200),
        ..AssetListParams::default()
    };
    let mut out = Vec::new();
    loop {
        let (page, next) = service::list(&state.db, actor, &params)?;
        out.extend(page);
        match next {
            Some(c) if out.len() < MOST => params.cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(MOST);
    Ok(out)
}

/// One label per asset: its QR code to its page, tag, name and serial.
fn labels_of(assets: &[AssetView], base: &str) -> Result<Vec<Label>, AppError> {
    let base = base.trim_end_matches('/');
    let mut labels = Vec::with_capacity(assets.len());
    for v in assets {
        let a = &v.asset;
        let url = format!("{base}/assets/{}", super::session::url_encode(&a.asset_tag));
        labels.push(Label {
            tag: a.asset_tag.clone(),
            line: v
                .model
                .as_ref()
                .map(|(m, maker)| format!("{} {}", maker.name, m.name))
                .or_else(|| super::asset_view::shown_name(a))
                .or_else(|| a.hostname.clone())
                .unwrap_or_default(),
            serial: a.serial.clone().unwrap_or_default(),
            qr: qr_svg(&url)?,
        });
    }
    Ok(labels)
}

/// `GET /assets/labels`
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    staff(&user)?;
    let q: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let (layout, error) = match Layout::read(&q) {
        Ok(l) => (l, None),
        Err(e) => (
            Layout::read(&[]).unwrap_or(Layout::Tape {
                width: 62,
                height: 29,
            }),
            Some(e),
        ),
    };
    let st = state.clone();
    let actor = user.user.clone();
    let query = q.clone();
    let assets = blocking(move || chosen(&st, &actor, &query)).await?;
    let labels = labels_of(&assets, state.settings.base_url())?;
    let total = labels.len();
    let mut sheets = Vec::new();
    let mut rest = labels.into_iter().peekable();
    while rest.peek().is_some() {
        sheets.push(rest.by_ref().take(layout.per_page()).collect());
    }
    let (kind, columns, rows, width, height) = match &layout {
        Layout::Sheet {
            letter,
            columns,
            rows,
        } => (
            if *letter { "letter" } else { "a4" },
            *columns,
            *rows,
            62,
            29,
        ),
        Layout::Tape { width, height } => ("tape", 3, 7, *width, *height),
    };
    render(&LabelsPage {
        nav: user.nav("assets"),
        layout: layout.query(),
        kind,
        columns,
        rows,
        width,
        height,
        sheets,
        hidden: q
            .into_iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "tag"
                        | "status"
                        | "category"
                        | "q"
                        | "location"
                        | "warranty_before"
                        | "needs_review"
                )
            })
            .collect(),
        error,
        total,
    })
}

/// `GET /assets/labels.css`: the stylesheet for the chosen layout.
pub async fn stylesheet(req: HttpRequest) -> Result<HttpResponse, PageError> {
    let q: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let layout = Layout::read(&q).map_err(|e| AppError::invalid("layout", e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(layout.css()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn layouts_read_shorthands_and_boxes() {
        assert_eq!(
            Layout::read(&q(&[("layout", "a4-3x7")])).unwrap(),
            Layout::Sheet {
                letter: false,
                columns: 3,
                rows: 7
            }
        );
        assert_eq!(
            Layout::read(&q(&[("layout", "letter"), ("columns", "2"), ("rows", "5")])).unwrap(),
            Layout::Sheet {
                letter: true,
                columns: 2,
                rows: 5
            }
        );
        assert_eq!(
            Layout::read(&q(&[("layout", "tape-62x29")])).unwrap(),
            Layout::Tape {
                width: 62,
                height: 29
            }
        );
        assert!(
            Layout::read(&q(&[("layout", "a4"), ("columns", "40")]))
                .unwrap_err()
                .contains("columns")
        );
        assert!(Layout::read(&q(&[("layout", "scroll")])).is_err());
    }

    #[test]
    fn the_stylesheet_sets_the_paper_and_the_grid() {
        let sheet = Layout::Sheet {
            letter: false,
            columns: 3,
            rows: 7,
        }
        .css();
        assert!(
            sheet.contains("@page { size: A4; margin: 8mm; }"),
            "{sheet}"
        );
        assert!(sheet.contains("repeat(3, 64.67mm)"), "{sheet}");
        assert!(sheet.contains("grid-auto-rows: 40.14mm"), "{sheet}");
        let tape = Layout::Tape {
            width: 62,
            height: 29,
        }
        .css();
        assert!(
            tape.contains("@page { size: 62mm 29mm; margin: 0; }"),
            "{tape}"
        );
    }

    #[test]
    fn a_qr_code_is_inline_svg() {
        let svg = qr_svg("https://desk.example.org/assets/IT-000123").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path"));
    }
}
