//! Offset pages of a JSON array: the total in `X-Total-Count` and the
//! neighbouring pages in a `Link` header (RFC 8288), the body unchanged.

use actix_web::{HttpRequest, HttpResponseBuilder};

use crate::error::AppError;

/// The page size when none is asked for, and the largest one allowed.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
/// The deepest a page may start (a cursor goes further).
pub const MAX_OFFSET: i64 = 1_000_000;

/// `limit` and `offset` as asked, checked: 422 naming the field.
pub fn window(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), AppError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let offset = offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(AppError::invalid(
            "offset",
            format!("must be between 0 and {MAX_OFFSET}"),
        ));
    }
    Ok((limit, offset))
}

/// The request's own query with `offset` and `limit` replaced.
fn link(req: &HttpRequest, limit: i64, offset: i64, rel: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "offset" && k != "limit" {
            q.append_pair(&k, &v);
        }
    }
    q.append_pair("limit", &limit.to_string());
    q.append_pair("offset", &offset.to_string());
    format!("<{}?{}>; rel=\"{rel}\"", req.path(), q.finish())
}

/// Adds `X-Total-Count` and, where there are such pages, the `first`,
/// `prev`, `next` and `last` links.
pub fn headers(
    resp: &mut HttpResponseBuilder,
    req: &HttpRequest,
    total: i64,
    (limit, offset): (i64, i64),
) {
    resp.insert_header(("X-Total-Count", total.to_string()));
    let mut links = Vec::new();
    if offset > 0 {
        links.push(link(req, limit, 0, "first"));
        links.push(link(req, limit, (offset - limit).max(0), "prev"));
    }
    if offset + limit < total {
        links.push(link(req, limit, offset + limit, "next"));
        let last = (total - 1) / limit * limit;
        links.push(link(req, limit, last, "last"));
    }
    if !links.is_empty() {
        resp.insert_header(("Link", links.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::HttpResponse;
    use actix_web::test::TestRequest;

    fn link_of(uri: &str, total: i64, w: (i64, i64)) -> String {
        let req = TestRequest::get().uri(uri).to_http_request();
        let mut b = HttpResponse::Ok();
        headers(&mut b, &req, total, w);
        let resp = b.finish();
        assert_eq!(
            resp.headers()
                .get("X-Total-Count")
                .unwrap()
                .to_str()
                .unwrap(),
            total.to_string()
        );
        resp.headers()
            .get("Link")
            .map_or(String::new(), |v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn links_keep_the_filters_and_point_at_the_neighbours() {
        let l = link_of(
            "/api/v1/contracts?kind=lease&offset=50&limit=20",
            95,
            (20, 50),
        );
        assert_eq!(
            l,
            "</api/v1/contracts?kind=lease&limit=20&offset=0>; rel=\"first\", \
             </api/v1/contracts?kind=lease&limit=20&offset=30>; rel=\"prev\", \
             </api/v1/contracts?kind=lease&limit=20&offset=70>; rel=\"next\", \
             </api/v1/contracts?kind=lease&limit=20&offset=80>; rel=\"last\""
        );
        assert_eq!(link_of("/x", 10, (50, 0)), "", "one page has no links");
    }

    #[test]
    fn a_limit_outside_the_range_or_a_negative_offset_is_refused() {
        assert_eq!(window(None, None).unwrap(), (50, 0));
        assert!(window(Some(0), None).is_err());
        assert!(window(Some(201), None).is_err());
        assert!(window(Some(10), Some(-1)).is_err());
        assert!(
            window(Some(10), Some(i64::MAX - 5)).is_err(),
            "no overflow further on"
        );
    }
}
