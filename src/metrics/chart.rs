//! The report's charts as SVG drawn by the service: every colour and font
//! inline (no stylesheet, nothing fetched), so the same drawing shows in a
//! browser, prints, and renders to PNG for mail. Each has a title and a
//! description; the report puts a table under each.

use std::fmt::Write;

/// Series colours: readable on white and in greyscale print.
pub const COLOURS: [&str; 3] = ["#2f6db5", "#e08a1e", "#5a9e4b"];
const INK: &str = "#333333";
const GRID: &str = "#dddddd";
const FONT: &str = "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\"";

/// One group of bars: a label and a value per series.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub values: Vec<u64>,
}

/// Escapes text for HTML and SVG.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round step for a value axis of about four lines.
pub fn nice_step(max: i64) -> i64 {
    let rough = (max as f64 / 4.0).max(1.0);
    let magnitude = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    step as i64
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 28.0;

fn open(svg: &mut String, title: &str, height: f64) {
    let t = escape(title);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" role="img" aria-label="{t}"><title>{t}</title><rect width="{W}" height="{height}" fill="#ffffff"/>"##
    );
}

fn text(svg: &mut String, x: f64, y: f64, anchor: &str, s: &str) {
    let _ = write!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{INK}" {FONT}>{}</text>"#,
        escape(s)
    );
}

/// Horizontal grid lines and their labels from zero to `top`.
fn axis(svg: &mut String, top: i64, step: i64, label: impl Fn(i64) -> String) {
    let plot = H - BOTTOM - TOP;
    let mut v = 0;
    while v <= top {
        let y = TOP + plot * (1.0 - v as f64 / top as f64);
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/>"#
        );
        text(svg, LEFT - 6.0, y + 4.0, "end", &label(v));
        v += step;
    }
}

fn legend(svg: &mut String, series: &[&str]) {
    for (s, name) in series.iter().enumerate() {
        let x = LEFT + 140.0 * s as f64;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="6" width="12" height="12" fill="{}"/>"#,
            COLOURS[s % COLOURS.len()]
        );
        text(svg, x + 16.0, 16.0, "start", name);
    }
}

/// Bars side by side per group, one colour per series, from zero.
pub fn grouped_bars(title: &str, series: &[&str], groups: &[Group]) -> String {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as i64;
    let step = nice_step(max);
    let top = (max + step - 1) / step * step;
    let plot = H - BOTTOM - TOP;
    let y = |v: u64| TOP + plot * (1.0 - v as f64 / top as f64);
    let slot = (W - LEFT) / groups.len().max(1) as f64;
    let bar = (slot * 0.7) / series.len().max(1) as f64;
    let mut svg = String::new();
    open(&mut svg, title, H);
    axis(&mut svg, top, step, |v| v.to_string());
    for (i, g) in groups.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.15;
        for (s, value) in g.values.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {} {value}</title></rect>"#,
                x0 + bar * s as f64,
                y(*value),
                (bar - 1.0).max(1.0),
                y(0) - y(*value),
                COLOURS[s % COLOURS.len()],
                escape(&g.label),
                escape(series.get(s).copied().unwrap_or("")),
            );
        }
        text(
            &mut svg,
            LEFT + slot * (i as f64 + 0.5),
            H - 8.0,
            "middle",
            &g.label,
        );
    }
    legend(&mut svg, series);
    svg.push_str("</svg>");
    svg
}

/// A share per label (0 to 1) as a line on a 0–100 % axis; a label without
/// a share breaks the line.
pub fn share_line(title: &str, points: &[(String, Option<f64>)]) -> String {
    let plot = H - BOTTOM - TOP;
    let slot = (W - LEFT) / points.len().max(1) as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let y = |s: f64| TOP + plot * (1.0 - s.clamp(0.0, 1.0));
    let mut svg = String::new();
    open(&mut svg, title, H);
    axis(&mut svg, 100, 25, |v| format!("{v} %"));
    let mut path = String::new();
    for (i, (label, share)) in points.iter().enumerate() {
        text(&mut svg, x(i), H - 8.0, "middle", label);
        match share {
            Some(s) => {
                let cmd = if path.is_empty() || path.ends_with('|') {
                    'M'
                } else {
                    'L'
                };
                let _ = write!(path, "{cmd}{:.1} {:.1} ", x(i), y(*s));
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{label}: {:.1} %</title></circle>"#,
                    x(i),
                    y(*s),
                    COLOURS[0],
                    s * 100.0
                );
            }
            None => path.push('|'),
        }
    }
    let d = path.replace('|', "");
    if !d.is_empty() {
        let _ = write!(
            svg,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            d.trim(),
            COLOURS[0]
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One horizontal bar per row, longest first as given.
pub fn bars(title: &str, rows: &[(String, u64)]) -> String {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 170.0;
    let height = TOP + ROW * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let width = W - LABEL - 60.0;
    let mut svg = String::new();
    open(&mut svg, title, height);
    if rows.is_empty() {
        text(
            &mut svg,
            LABEL,
            TOP + 14.0,
            "start",
            "nothing in this month",
        );
    }
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        text(&mut svg, LABEL - 8.0, y + 14.0, "end", label);
        let w = width * *n as f64 / max;
        let _ = write!(
            svg,
            r#"<rect x="{LABEL}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{}: {n}</title></rect>"#,
            ROW - 6.0,
            COLOURS[0],
            escape(label)
        );
        text(&mut svg, LABEL + w + 6.0, y + 14.0, "start", &n.to_string());
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_carry_their_colours_inline_and_escape_labels() {
        let groups = vec![
            Group {
                label: "<w1>".into(),
                values: vec![10, 4],
            },
            Group {
                label: "w2".into(),
                values: vec![0, 37],
            },
        ];
        let svg = grouped_bars("Created & resolved", &["Created", "Resolved"], &groups);
        assert!(svg.starts_with("<svg xmlns="));
        assert!(svg.contains("Created &amp; resolved"));
        assert!(svg.contains("&lt;w1&gt;") && !svg.contains("<w1>"));
        assert!(svg.contains(">40</text>"), "a round axis: {svg}");
        assert!(!svg.contains("class="), "no stylesheet needed");
        assert_eq!(svg.matches(&format!("fill=\"{}\"", COLOURS[1])).count(), 3);
        let line = share_line(
            "Attainment",
            &[
                ("a".into(), Some(0.5)),
                ("b".into(), None),
                ("c".into(), Some(1.0)),
            ],
        );
        assert_eq!(
            line.matches('M').count(),
            2,
            "a missing month breaks the line: {line}"
        );
        assert!(line.contains("50.0 %"));
        assert!(bars("Empty", &[]).contains("nothing in this month"));
        assert_eq!(nice_step(37), 10);
        assert_eq!(nice_step(180), 50);
    }
}
