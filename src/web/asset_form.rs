//! The asset's facts as a form: one shape for registering and for the
//! complete edit (tag, serial, model, host, place, purchase, cost,
//! warranty, supplier, notes and the custom fields of the category), read
//! back as typed so a refused form shows every value again.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::form::Problems;
use super::pages::some;
use crate::assets::Asset;
use crate::assets::domain::{Category, Status};
use crate::assets::dto::{RegisterAsset, UpdateAsset};
use crate::assets::fields::{FieldKind, FieldSpec};
use crate::money::{Currency, DecimalMark, Money, MoneyDto};

/// One custom field's box.
#[derive(Debug, Clone)]
pub struct CustomInput {
    pub category: Category,
    /// The form name: `cf.<name>`.
    pub key: String,
    pub label: String,
    /// `text`, `number`, `date` or `checkbox`.
    pub input: &'static str,
    pub value: String,
    pub required: bool,
    /// Said beside the label, e.g. `laptop only` on the registration form.
    pub hint: String,
}

/// Every fact of an asset as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct FactsForm {
    pub asset_tag: String,
    pub serial: String,
    pub model_id: String,
    pub hostname: String,
    pub status: String,
    pub location_id: String,
    pub assignee: String,
    pub purchase_date: String,
    pub cost: String,
    pub currency: String,
    pub warranty_end: String,
    pub supplier: String,
    pub po_number: String,
    pub notes: String,
    /// The defined fields of every category the form may show.
    pub custom: Vec<CustomInput>,
}

fn input_of(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Number => "number",
        FieldKind::Date => "date",
        FieldKind::Bool => "checkbox",
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The boxes for the defined fields of `categories`, filled from `values`.
pub fn custom_inputs(
    specs: &[FieldSpec],
    categories: &[Category],
    values: &Map<String, Value>,
) -> Vec<CustomInput> {
    specs
        .iter()
        .filter(|s| categories.contains(&s.category))
        .map(|s| CustomInput {
            category: s.category,
            key: format!("cf.{}", s.name),
            label: s.label.clone(),
            input: input_of(s.kind),
            value: values.get(&s.name).map(shown).unwrap_or_default(),
            required: s.required,
            hint: String::new(),
        })
        .collect()
}

impl FactsForm {
    /// An empty registration form: in stock, the register's currency, the
    /// fields of every category (the chosen model decides which count).
    pub fn fresh(specs: &[FieldSpec], currency: &str) -> FactsForm {
        FactsForm {
            status: "in_stock".into(),
            currency: currency.to_owned(),
            custom: custom_inputs(specs, Category::ALL, &Map::new()),
            ..FactsForm::default()
        }
        .for_every_category()
    }

    /// Says beside each custom box which category it is for (the form
    /// shows them all until a model is chosen).
    pub fn for_every_category(mut self) -> FactsForm {
        for c in &mut self.custom {
            c.hint = format!("{} only", c.category);
        }
        self
    }

    /// The asset's facts, with the fields of its category.
    pub fn of(a: &Asset, specs: &[FieldSpec], currency: &str) -> FactsForm {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        let money = Money::from_parts(a.cost_minor, a.currency.as_deref());
        let values: Map<String, Value> = serde_json::from_str(&a.custom_fields).unwrap_or_default();
        FactsForm {
            asset_tag: a.asset_tag.clone(),
            serial: opt(&a.serial),
            model_id: opt(&a.model_id),
            hostname: opt(&a.hostname),
            status: a.status.as_str().to_owned(),
            location_id: opt(&a.location_id),
            assignee: String::new(),
            purchase_date: date(a.purchase_date),
            cost: money.as_ref().map(Money::plain).unwrap_or_default(),
            currency: a.currency.clone().unwrap_or_else(|| currency.to_owned()),
            warranty_end: date(a.warranty_end),
            supplier: opt(&a.supplier),
            po_number: opt(&a.po_number),
            notes: a.notes.clone(),
            custom: custom_inputs(specs, &a.category.into_iter().collect::<Vec<_>>(), &values),
        }
    }

    /// The form as posted; custom boxes are those of `categories`.
    pub fn read(
        fields: &[(String, String)],
        specs: &[FieldSpec],
        categories: &[Category],
    ) -> FactsForm {
        let get = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut custom = custom_inputs(specs, categories, &Map::new());
        for c in &mut custom {
            c.value = get(&c.key);
        }
        FactsForm {
            asset_tag: get("asset_tag"),
            serial: get("serial"),
            model_id: get("model_id"),
            hostname: get("hostname"),
            status: get("status"),
            location_id: get("location_id"),
            assignee: get("assignee"),
            purchase_date: get("purchase_date"),
            cost: get("cost"),
            currency: get("currency"),
            warranty_end: get("warranty_end"),
            supplier: get("supplier"),
            po_number: get("po_number"),
            // Browsers send CRLF; the text is kept as typed otherwise.
            notes: get("notes").replace("\r\n", "\n"),
            custom,
        }
    }

    /// The custom field values for `category`, typed; empty boxes are
    /// `null` (so an edit clears them).
    fn custom_values(&self, category: Option<Category>, p: &mut Problems) -> Map<String, Value> {
        let mut out = Map::new();
        for c in self.custom.iter().filter(|c| Some(c.category) == category) {
            let name = c.key.trim_start_matches("cf.").to_owned();
            let v = c.value.trim();
            let value = match c.input {
                "checkbox" => Value::Bool(!v.is_empty()),
                _ if v.is_empty() => Value::Null,
                "number" => match v.parse::<f64>() {
                    Ok(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 => {
                        Value::from(n as i64)
                    }
                    Ok(n) if n.is_finite() => Value::from(n),
                    _ => {
                        p.push(&c.key, format!("{} is a number", c.label));
                        continue;
                    }
                },
                "date" => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    Ok(d) => Value::from(d.to_string()),
                    Err(_) => {
                        p.push(&c.key, format!("{} is a date (YYYY-MM-DD)", c.label));
                        continue;
                    }
                },
                _ => Value::from(v),
            };
            out.insert(name, value);
        }
        out
    }

    /// The cost as money, or a message for the cost box.
    fn money(&self, p: &mut Problems) -> Option<MoneyDto> {
        let amount = self.cost.trim();
        if amount.is_empty() {
            return None;
        }
        let currency = match Currency::parse(self.currency.trim()) {
            Ok(c) => c,
            Err(e) => {
                p.push("currency", e.to_string());
                return None;
            }
        };
        match Money::parse(amount, DecimalMark::Point, &currency) {
            Ok(m) if m.amount_minor < 0 => {
                p.push("cost", "a cost is not negative");
                None
            }
            Ok(m) => Some(MoneyDto::from(&m)),
            Err(e) => {
                p.push("cost", e.to_string());
                None
            }
        }
    }

    /// The input for registering, with the model's category deciding
    /// which custom fields count.
    pub fn to_register(&self, category: Option<Category>) -> Result<RegisterAsset, Problems> {
        let mut p = Problems::default();
        let status = match self.status.parse::<Status>() {
            Ok(s) => Some(s),
            Err(e) => {
                p.push("status", e.to_string());
                None
            }
        };
        let purchase_date = date(&mut p, "purchase_date", &self.purchase_date);
        let warranty_end = date(&mut p, "warranty_end", &self.warranty_end);
        let cost = self.money(&mut p);
        let custom: Map<String, Value> = self
            .custom_values(category, &mut p)
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .collect();
        if !p.is_empty() {
            return Err(p);
        }
        Ok(RegisterAsset {
            asset_tag: self.asset_tag.trim().to_owned(),
            serial: some(&self.serial),
            model_id: some(&self.model_id),
            hostname: some(&self.hostname),
            status,
            substate: None,
            location_id: some(&self.location_id),
            assignee: some(&self.assignee),
            purchase_date: purchase_date.flatten(),
            cost,
            supplier: some(&self.supplier),
            po_number: some(&self.po_number),
            warranty_end: warranty_end.flatten(),
            notes: some(&self.notes),
            custom_fields: Some(custom),
        })
    }

    /// The input for the complete edit: every box is sent (an emptied box
    /// clears its fact).
    pub fn to_update(&self, category: Option<Category>) -> Result<UpdateAsset, Problems> {
        let mut p = Problems::default();
        let purchase_date = date(&mut p, "purchase_date", &self.purchase_date);
        let warranty_end = date(&mut p, "warranty_end", &self.warranty_end);
        let cost = self.money(&mut p);
        let custom = self.custom_values(category, &mut p);
        if !p.is_empty() {
            return Err(p);
        }
        Ok(UpdateAsset {
            asset_tag: Some(Some(self.asset_tag.trim().to_owned())),
            serial: Some(some(&self.serial)),
            model_id: Some(some(&self.model_id)),
            hostname: Some(some(&self.hostname)),
            location_id: Some(some(&self.location_id)),
            purchase_date,
            cost: Some(cost),
            supplier: Some(some(&self.supplier)),
            po_number: Some(some(&self.po_number)),
            warranty_end,
            notes: Some(Some(self.notes.clone())),
            custom_fields: Some(custom),
            reason: Some("edited on the asset page".into()),
        })
    }
}

/// A date box: `Some(None)` when empty, a message for the box when it is
/// not a date.
fn date(p: &mut Problems, field: &str, v: &str) -> Option<Option<NaiveDate>> {
    match v.trim() {
        "" => Some(None),
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                p.push(field, format!("{d:?} is not a date (YYYY-MM-DD)"));
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> Vec<FieldSpec> {
        vec![
            FieldSpec {
                category: Category::Laptop,
                name: "ram_gb".into(),
                label: "RAM (GB)".into(),
                kind: FieldKind::Number,
                required: false,
            },
            FieldSpec {
                category: Category::Phone,
                name: "imei".into(),
                label: "IMEI".into(),
                kind: FieldKind::Text,
                required: false,
            },
        ]
    }

    fn posted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_registration_reads_cost_dates_and_only_the_models_category_fields() {
        let f = FactsForm::read(
            &posted(&[
                ("asset_tag", " IT-1 "),
                ("status", "in_stock"),
                ("cost", "1,299.50"),
                ("currency", "EUR"),
                ("purchase_date", "2026-01-31"),
                ("cf.ram_gb", "16"),
                ("cf.imei", "356938035643809"),
            ]),
            &specs(),
            Category::ALL,
        );
        let r = f.to_register(Some(Category::Laptop)).unwrap();
        assert_eq!(r.asset_tag, "IT-1");
        let cost = r.cost.unwrap();
        assert_eq!((cost.amount_minor, cost.currency.as_str()), (129950, "EUR"));
        assert_eq!(r.purchase_date.unwrap().to_string(), "2026-01-31");
        let custom = r.custom_fields.unwrap();
        assert_eq!(custom.get("ram_gb"), Some(&Value::from(16)));
        assert!(custom.get("imei").is_none(), "a phone field on a laptop");
    }

    #[test]
    fn bad_boxes_are_named_and_the_input_kept() {
        let f = FactsForm::read(
            &posted(&[
                ("asset_tag", "IT-2"),
                ("status", "in_stock"),
                ("cost", "12.345"),
                ("currency", "EUR"),
                ("warranty_end", "next year"),
                ("cf.ram_gb", "lots"),
            ]),
            &specs(),
            &[Category::Laptop],
        );
        let p = f.to_update(Some(Category::Laptop)).unwrap_err();
        assert!(p.of("cost").unwrap().contains("decimals"), "{p:?}");
        assert!(p.of("warranty_end").unwrap().contains("not a date"));
        assert_eq!(p.of("cf.ram_gb"), Some("RAM (GB) is a number"));
        assert_eq!(f.cost, "12.345");
        assert_eq!(f.custom[0].value, "lots");
    }
}
