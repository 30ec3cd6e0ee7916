//! Enums stored as text: one macro gives a closed set of snake_case words a
//! Rust enum with `as_str`, `FromStr`, serde, OpenAPI and diesel mappings that
//! work on every backend (including diesel's multi-backend).

/// Declares an enum stored as `TEXT`, serialised as the given words.
///
/// ```
/// itdesk::text_enum! { pub enum Fruit { Apple = "apple", Pear = "pear" } }
/// assert_eq!("pear".parse::<Fruit>().unwrap(), Fruit::Pear);
/// assert_eq!(Fruit::Apple.to_string(), "apple");
/// assert!("plum".parse::<Fruit>().unwrap_err().to_string().contains("apple, pear"));
/// ```
///
/// Its OpenAPI schema is named after the enum; `schema "AssetStatus";`
/// before it names it otherwise (two contexts may each have a `Status`).
#[macro_export]
macro_rules! text_enum {
    (schema $schema:literal; $(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $crate::text_enum!(@named $schema; $(#[$meta])* pub enum $name { $($(#[$vmeta])* $variant = $text),+ });
    };
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $crate::text_enum!(@named (stringify!($name)); $(#[$meta])* pub enum $name { $($(#[$vmeta])* $variant = $text),+ });
    };
    (@named $schema:expr; $(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::db::text_enum::UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::db::text_enum::UnknownVariant {
                        value: s.to_owned(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($schema)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                Ok(s.parse()?)
            }
        }
    };
}

/// A stored or submitted word that names no variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    pub value: String,
    pub expected: &'static [&'static str],
}

impl std::fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown value `{}`, expected one of: {}",
            self.value,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownVariant {}
