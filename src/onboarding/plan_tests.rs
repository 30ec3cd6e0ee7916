//! The plan's steps for each kind of run.
use super::*;

fn template(groups: &[&str]) -> TemplateSpec {
    TemplateSpec {
        name: "eng".into(),
        department: Some("Engineering".into()),
        role: None,
        ou: None,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        device_model: None,
        device_category: Some("laptop".into()),
        license_products: vec!["Office".into()],
        tasks: Vec::new(),
        welcome_mail: true,
        must_change_password: true,
    }
}

fn kinds(p: &Plan) -> Vec<StepKind> {
    p.steps.iter().map(|s| s.kind).collect()
}

#[test]
fn an_onboarding_plans_every_step_in_order_and_says_what_it_cannot_promise() {
    let f = Facts {
        kind: Some(RunKind::Onboard),
        template: Some(template(&["cn=staff,ou=groups,dc=x"])),
        account: Some(AccountDetail {
            account: "ada.lovelace2".into(),
            dn: "uid=ada.lovelace2,ou=people,dc=x".into(),
            ..AccountDetail::default()
        }),
        password_length: 16,
        free_seats: vec![("Office".into(), 0)],
        tasks: vec![TaskPlan {
            title: "Desk".into(),
            queue: None,
            due_on: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        }],
        ..Facts::default()
    };
    let p = build(&f);
    assert_eq!(
        kinds(&p),
        vec![
            StepKind::RegisterPerson,
            StepKind::CreateAccount,
            StepKind::SetPassword,
            StepKind::AddGroups,
            StepKind::ReserveDevice,
            StepKind::AllocateSeats,
            StepKind::RaiseTasks,
        ]
    );
    let warnings = p.overview["warnings"].to_string();
    assert!(warnings.contains("no laptop is in stock now"), "{warnings}");
    assert!(warnings.contains("no seat of Office"), "{warnings}");
    assert!(warnings.contains("no manager to mail"), "{warnings}");
    assert_eq!(p.overview["account"], "ada.lovelace2");
    assert_eq!(p.steps[2].detail["must_change"], true);
}

#[test]
fn a_move_changes_only_the_group_difference() {
    let f = Facts {
        kind: Some(RunKind::Move),
        hire: NewHire {
            department: Some("Sales".into()),
            ..NewHire::default()
        },
        entry_dn: Some("uid=a,dc=x".into()),
        old_template: Some(template(&["cn=staff,dc=x", "cn=eng,dc=x"])),
        template: Some(template(&["CN=Staff, DC=x", "cn=sales,dc=x"])),
        ..Facts::default()
    };
    let p = build(&f);
    assert_eq!(
        kinds(&p),
        vec![
            StepKind::UpdatePerson,
            StepKind::AddGroups,
            StepKind::RemoveGroups
        ]
    );
    assert_eq!(p.overview["groups_added"], json!(["cn=sales,dc=x"]));
    assert_eq!(p.overview["groups_removed"], json!(["cn=eng,dc=x"]));
}

#[test]
fn an_offboarding_keeps_the_groups_it_removes_and_asks_devices_back() {
    let f = Facts {
        kind: Some(RunKind::Offboard),
        name: "Ada".into(),
        entry_dn: Some("uid=a,dc=x".into()),
        current_groups: vec!["cn=staff,dc=x".into()],
        held_devices: vec![DeviceRef {
            asset_id: "1".into(),
            asset_tag: "LT-1".into(),
            model: None,
        }],
        manager_email: Some("boss@example.org".into()),
        ..Facts::default()
    };
    let p = build(&f);
    assert_eq!(
        kinds(&p),
        vec![
            StepKind::RemoveGroups,
            StepKind::DisableAccount,
            StepKind::DeactivatePerson,
            StepKind::ReturnDevices,
            StepKind::ReleaseSeats,
            StepKind::MailManager
        ]
    );
    assert!(p.overview["summary"].to_string().contains("LT-1"));
}
