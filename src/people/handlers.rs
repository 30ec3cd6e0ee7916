//! `/api/v1/people`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::People;
use super::domain::EmploymentStatus;
use super::dto::{PersonDto, PersonInput};
use super::service::{self, PeopleFilter};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery, paging};
use crate::ids;

/// Registers the people routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/people")
            .route(web::post().to(create))
            .route(web::get().to(list)),
    )
    .service(
        web::resource("/people/{id}")
            .route(web::get().to(show))
            .route(web::patch().to(update)),
    );
}

/// `?department=&manager=&status=&q=&limit=&offset=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeopleParams {
    pub department: Option<String>,
    /// The manager's id or email.
    pub manager: Option<String>,
    /// active, pending_start or departed.
    #[param(value_type = Option<String>)]
    pub status: Option<EmploymentStatus>,
    /// Part of a name, an employee id, an account name, or an email.
    pub q: Option<String>,
    /// At most this many, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Skip this many first (default 0).
    pub offset: Option<i64>,
}

/// Add a person (coordinators and admins): the account of `email`, made as
/// a requester when there is none, with what HR knows.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput,
    responses((status = 201, body = PersonDto), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    body: ApiJson<PersonInput>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let p = blocking(move || {
        let now = ids::now();
        service::create_person(&people.db, &actor, &input, (now.date(), now))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/people/{}", p.id)))
        .json(p))
}

/// People by surname, one page at a time: `X-Total-Count` says how many
/// match and `Link` points at the pages around.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleParams),
    responses((status = 200, body = Vec<PersonDto>,
        headers(("X-Total-Count" = i64, description = "How many people match"),
                ("Link" = String, description = "first, prev, next and last pages"))),
        (status = 422, body = Problem)), security(("token" = [])))]
pub async fn list(
    req: HttpRequest,
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    query: ApiQuery<PeopleParams>,
) -> Result<HttpResponse, AppError> {
    let p = query.0;
    let window = paging::window(p.limit, p.offset)?;
    let filter = PeopleFilter {
        department: p.department,
        manager: p.manager,
        status: p.status,
        q: p.q,
    };
    let (rows, total) =
        blocking(move || service::list_people(&people.db, &actor, &filter, window)).await?;
    let mut resp = HttpResponse::Ok();
    paging::headers(&mut resp, &req, total, window);
    Ok(resp.json(rows))
}

/// One person, by account id or email, with their devices, license seats,
/// newest tickets and onboarding runs.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = String, Path, description = "Account id or email")),
    responses((status = 200, body = PersonDto), (status = 404, body = Problem)), security(("token" = [])))]
pub async fn show(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<PersonDto>, AppError> {
    let id = path.into_inner();
    Ok(web::Json(
        blocking(move || service::person_with_holdings(&people, &actor, &id)).await?,
    ))
}

/// Change a person (coordinators and admins); absent fields stay, `null`
/// clears.
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people", request_body = PersonInput,
    params(("id" = String, Path, description = "Account id or email")),
    responses((status = 200, body = PersonDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update(
    people: web::Data<People>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<PersonInput>,
) -> Result<web::Json<PersonDto>, AppError> {
    let (id, input) = (path.into_inner(), body.value);
    Ok(web::Json(
        blocking(move || service::update_person(&people.db, &actor, &id, &input, ids::now()))
            .await?,
    ))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create, list, show, update),
    components(schemas(PersonInput, PersonDto, super::dto::DirectoryLink))
)]
pub struct Api;
