//! Error pages keep the layout: a page handler's error is rendered without
//! knowing who asked (errors have no request), so this middleware renders
//! it again with the navigation of the signed-in person, when there is one.

use actix_web::FromRequest;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::{ErrorPage, Nav, WebUser, render_with};

/// What an error page says, left on its response for this middleware.
#[derive(Debug, Clone)]
pub(super) struct ErrorBody {
    pub title: String,
    pub detail: String,
}

/// Re-renders an error page with the person's navigation.
pub async fn with_navigation(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(body) = res.response().extensions().get::<ErrorBody>().cloned() else {
        return Ok(res);
    };
    let (http_req, old) = res.into_parts();
    let nav = match WebUser::extract(&http_req).await {
        Ok(user) => user.nav(""),
        Err(_) => Nav::anonymous(),
    };
    if nav.user.is_none() {
        return Ok(ServiceResponse::new(http_req, old));
    }
    let page = ErrorPage {
        nav,
        title: body.title,
        detail: body.detail,
    };
    let Ok(mut fresh) = render_with(old.status(), &page) else {
        return Ok(ServiceResponse::new(http_req, old));
    };
    for (name, value) in old.headers() {
        if name == actix_web::http::header::RETRY_AFTER {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(http_req, fresh))
}
