// The tables both backends share, in types both backends understand.
// Backend-specific parts (SQLite FTS5 / PostgreSQL tsvector search, the ticket
// number sequence) are reached through raw SQL in the repositories.
// Kept in step with migrations/sqlite and migrations/postgres; a test checks
// that every table here exists after migrating each backend.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        is_active -> Bool,
        organization -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        is_vip -> Bool,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        digest -> Text,
        label -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        client_ip -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        email -> Text,
        client_ip -> Text,
        succeeded -> Bool,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    queues (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        number -> BigInt,
        ticket_type -> Text,
        subject -> Text,
        description -> Text,
        requester_id -> Text,
        queue_id -> Nullable<Text>,
        category_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        impact -> Text,
        urgency -> Text,
        priority -> Text,
        priority_overridden -> Bool,
        status -> Text,
        hold_reason -> Nullable<Text>,
        is_open -> Bool,
        channel -> Text,
        created_by_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        sla_policy -> Nullable<Text>,
        sla_state -> Nullable<Text>,
        sla_due_at -> Nullable<Timestamp>,
        sla_next_check_at -> Nullable<Timestamp>,
        sla_schedule -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_watchers (ticket_id, user_id) {
        ticket_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        ticket_id -> Text,
        author_id -> Text,
        body -> Text,
        is_public -> Bool,
        created_at -> Timestamp,
        is_verified -> Bool,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        ticket_id -> Text,
        comment_id -> Nullable<Text>,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by_id -> Text,
        created_at -> Timestamp,
        is_public -> Bool,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        ticket_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        entity_type -> Text,
        entity_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        changes -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    sla_calendars (name) {
        name -> Text,
        spec -> Text,
        source -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_policies (name) {
        name -> Text,
        position -> Integer,
        spec -> Text,
        source -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_escalations (ticket_id, clock, threshold, cycle) {
        ticket_id -> Text,
        clock -> Text,
        threshold -> Text,
        cycle -> Integer,
        fired_at -> Timestamp,
    }
}

diesel::table! {
    queue_coordinators (queue_id, user_id) {
        queue_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        email -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        kind -> Text,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_schedules (kind) {
        kind -> Text,
        last_occurrence -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    canned_responses (id) {
        id -> Text,
        queue_id -> Nullable<Text>,
        name -> Text,
        body -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    license_products (id) {
        id -> Text,
        publisher -> Text,
        name -> Text,
        edition -> Nullable<Text>,
        family -> Nullable<Text>,
        version -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    license_entitlements (id) {
        id -> Text,
        product_id -> Text,
        metric -> Text,
        quantity -> BigInt,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        unit_cost_minor -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        core_rule -> Nullable<Text>,
        min_cores_per_processor -> Nullable<Integer>,
        min_cores_per_device -> Nullable<Integer>,
        core_pack -> Nullable<Integer>,
        downgrade_rights -> Bool,
        license_key -> Nullable<Text>,
        vendor -> Nullable<Text>,
        po_number -> Nullable<Text>,
        contract_ref -> Nullable<Text>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        source_ref -> Nullable<Text>,
    }
}

diesel::table! {
    vendors (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        website -> Nullable<Text>,
        account_number -> Nullable<Text>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vendor_contacts (id) {
        id -> Text,
        vendor_id -> Text,
        name -> Text,
        role -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        escalation_order -> Integer,
    }
}

diesel::table! {
    contracts (id) {
        id -> Text,
        vendor_id -> Text,
        kind -> Text,
        reference -> Nullable<Text>,
        title -> Text,
        owner_id -> Nullable<Text>,
        draft -> Bool,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        auto_renew -> Bool,
        renewal_months -> Nullable<Integer>,
        notice_months -> Nullable<Integer>,
        notice_days -> Nullable<Integer>,
        amount_minor -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        billing -> Nullable<Text>,
        terminates_on -> Nullable<Date>,
        termination_reason -> Nullable<Text>,
        renewed_on -> Nullable<Date>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        response_target_seconds -> Nullable<BigInt>,
        resolution_target_seconds -> Nullable<BigInt>,
        service_calendar -> Nullable<Text>,
        notice_deadline -> Nullable<Date>,
    }
}

diesel::table! {
    asset_suppliers (asset_id) {
        asset_id -> Text,
        vendor_id -> Text,
    }
}

diesel::table! {
    contract_assets (contract_id, asset_id) {
        contract_id -> Text,
        asset_id -> Text,
    }
}

diesel::table! {
    contract_entitlements (contract_id, entitlement_id) {
        contract_id -> Text,
        entitlement_id -> Text,
    }
}

diesel::table! {
    vendor_escalations (id) {
        id -> Text,
        ticket_id -> Text,
        vendor_id -> Text,
        contract_id -> Nullable<Text>,
        vendor_reference -> Nullable<Text>,
        note -> Text,
        escalated_by -> Nullable<Text>,
        escalated_at -> Timestamp,
        calendar -> Text,
        response_target_seconds -> Nullable<BigInt>,
        resolution_target_seconds -> Nullable<BigInt>,
        response_due_at -> Nullable<Timestamp>,
        resolution_due_at -> Nullable<Timestamp>,
        responded_at -> Nullable<Timestamp>,
        response_seconds -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
        resolution_seconds -> Nullable<BigInt>,
        resolution_note -> Nullable<Text>,
    }
}

diesel::table! {
    people (user_id) {
        user_id -> Text,
        employee_id -> Nullable<Text>,
        given_name -> Text,
        surname -> Text,
        department -> Nullable<Text>,
        title -> Nullable<Text>,
        manager_id -> Nullable<Text>,
        location_id -> Nullable<Text>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        employment_status -> Text,
        directory_flavor -> Nullable<Text>,
        directory_dn -> Nullable<Text>,
        directory_key -> Nullable<Text>,
        account_name -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    directory_syncs (id) {
        id -> Text,
        started_by -> Text,
        actor_id -> Nullable<Text>,
        dry_run -> Bool,
        status -> Text,
        created -> Integer,
        updated -> Integer,
        deactivated -> Integer,
        unchanged -> Integer,
        skipped -> Integer,
        error -> Nullable<Text>,
        details -> Text,
        started_at -> Timestamp,
        finished_at -> Timestamp,
    }
}

diesel::table! {
    onboarding_templates (name) {
        name -> Text,
        spec -> Text,
        source -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    onboarding_runs (id) {
        id -> Text,
        kind -> Text,
        status -> Text,
        person_id -> Nullable<Text>,
        person -> Text,
        template -> Nullable<Text>,
        effective_on -> Date,
        plan -> Text,
        undo -> Nullable<Text>,
        sealed_password -> Nullable<Text>,
        password_state -> Text,
        requested_by -> Text,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        ticket_id -> Nullable<Text>,
    }
}

diesel::table! {
    onboarding_steps (run_id, position) {
        run_id -> Text,
        position -> Integer,
        kind -> Text,
        status -> Text,
        detail -> Text,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        attempts -> Integer,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contract_documents (id) {
        id -> Text,
        contract_id -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contract_terms (id) {
        id -> Text,
        contract_id -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Date,
        renewed_by -> Text,
        amount_minor -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        billing -> Nullable<Text>,
        closed_at -> Timestamp,
    }
}

diesel::table! {
    contract_reminders (id) {
        id -> Text,
        contract_id -> Text,
        deadline -> Text,
        due_on -> Date,
        offset_days -> Integer,
        missed -> Text,
        sent_to -> Text,
        queued_at -> Timestamp,
    }
}

diesel::table! {
    license_imports (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        profile -> Text,
        file_name -> Text,
        file_sha256 -> Text,
        dry_run -> Bool,
        applied -> Bool,
        row_count -> Integer,
        created -> Integer,
        updated -> Integer,
        rejected -> Integer,
        report -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    license_rules (id) {
        id -> Text,
        product_id -> Nullable<Text>,
        name_pattern -> Text,
        publisher_pattern -> Nullable<Text>,
        version_pattern -> Nullable<Text>,
        exclude -> Bool,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    saved_views (id) {
        id -> Text,
        owner_id -> Text,
        name -> Text,
        query -> Text,
        shared -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    app_state (name) {
        name -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mail_messages (id) {
        id -> Text,
        direction -> Text,
        message_id -> Text,
        content_hash -> Text,
        ticket_id -> Nullable<Text>,
        comment_id -> Nullable<Text>,
        thread_index -> Nullable<Text>,
        from_address -> Text,
        subject -> Text,
        action -> Text,
        reason -> Text,
        source -> Text,
        raw -> Binary,
        created_at -> Timestamp,
        recipient -> Nullable<Text>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        ticket_id -> Nullable<Text>,
        kind -> Text,
        message_id -> Text,
        sender -> Text,
        recipients -> Text,
        auto_to -> Nullable<Text>,
        subject -> Text,
        raw -> Binary,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_dead_letters (id) {
        id -> Text,
        source -> Text,
        error -> Text,
        raw -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_months (month) {
        month -> Text,
        definitions_version -> Integer,
        report -> Text,
        frozen_at -> Timestamp,
        frozen_by -> Nullable<Text>,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(comments -> tickets (ticket_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(attachments -> tickets (ticket_id));
diesel::joinable!(ticket_watchers -> tickets (ticket_id));
diesel::joinable!(ticket_watchers -> users (user_id));
diesel::table! {
    manufacturers (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    asset_models (id) {
        id -> Text,
        manufacturer_id -> Text,
        name -> Text,
        category -> Text,
        depreciation_months -> Integer,
        created_at -> Timestamp,
        warranty_months -> Nullable<Integer>,
    }
}

diesel::table! {
    locations (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    assets (id) {
        id -> Text,
        asset_tag -> Text,
        serial -> Nullable<Text>,
        model_id -> Nullable<Text>,
        category -> Nullable<Text>,
        hostname -> Nullable<Text>,
        status -> Text,
        substate -> Nullable<Text>,
        needs_review -> Bool,
        location_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        purchase_date -> Nullable<Date>,
        cost_minor -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        supplier -> Nullable<Text>,
        po_number -> Nullable<Text>,
        warranty_end -> Nullable<Date>,
        notes -> Text,
        custom_fields -> Text,
        disposal_method -> Nullable<Text>,
        disposal_date -> Nullable<Date>,
        disposal_evidence -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        os_name -> Nullable<Text>,
        os_version -> Nullable<Text>,
        cpu_name -> Nullable<Text>,
        cpu_cores -> Nullable<Integer>,
        cpu_threads -> Nullable<Integer>,
        memory_mb -> Nullable<BigInt>,
        device_id -> Nullable<Text>,
        last_inventory_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    asset_imports (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        profile -> Text,
        file_name -> Text,
        file_sha256 -> Text,
        dry_run -> Bool,
        applied -> Bool,
        row_count -> Integer,
        created -> Integer,
        updated -> Integer,
        rejected -> Integer,
        report -> Text,
        created_at -> Timestamp,
        pending_file -> Nullable<Binary>,
        pending_request -> Nullable<Text>,
    }
}

diesel::table! {
    software_installations (id) {
        id -> Text,
        asset_id -> Text,
        name -> Text,
        version -> Text,
        publisher -> Nullable<Text>,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        title_id -> Nullable<Text>,
    }
}

diesel::table! {
    software_titles (id) {
        id -> Text,
        name -> Text,
        version -> Text,
        publisher -> Text,
    }
}

diesel::table! {
    asset_hardware (asset_id) {
        asset_id -> Text,
        cpu_sockets -> Nullable<Integer>,
    }
}

diesel::table! {
    license_resolutions (title_id) {
        title_id -> Text,
        product_id -> Nullable<Text>,
        rule_id -> Nullable<Text>,
        excluded -> Bool,
    }
}

diesel::table! {
    license_audits (id) {
        id -> Text,
        as_of -> Date,
        products -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    license_audit_files (audit_id, name) {
        audit_id -> Text,
        name -> Text,
        sha256 -> Text,
        bytes -> Binary,
    }
}

diesel::table! {
    license_allocations (id) {
        id -> Text,
        entitlement_id -> Text,
        person_id -> Nullable<Text>,
        asset_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    asset_checkouts (id) {
        id -> Text,
        asset_id -> Text,
        user_id -> Text,
        checked_out_by -> Text,
        checked_out_at -> Timestamp,
        expected_return -> Nullable<Date>,
        accept_token_digest -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        checked_in_at -> Nullable<Timestamp>,
        checked_in_by -> Nullable<Text>,
        note -> Text,
    }
}

diesel::table! {
    ticket_assets (ticket_id, asset_id) {
        ticket_id -> Text,
        asset_id -> Text,
        linked_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    purchase_orders (id) {
        id -> Text,
        seq -> BigInt,
        number -> Text,
        vendor_id -> Text,
        requested_by -> Nullable<Text>,
        cost_centre -> Nullable<Text>,
        currency -> Text,
        conversion_rate_micros -> Nullable<BigInt>,
        tax_bp -> BigInt,
        discount_bp -> BigInt,
        shipping_minor -> BigInt,
        expected_on -> Nullable<Date>,
        status -> Text,
        notes -> Text,
        approved_by -> Nullable<Text>,
        ordered_on -> Nullable<Date>,
        invoice_flagged -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    purchase_order_lines (order_id, number) {
        order_id -> Text,
        number -> Integer,
        kind -> Text,
        model_id -> Nullable<Text>,
        product_id -> Nullable<Text>,
        metric -> Nullable<Text>,
        description -> Text,
        quantity -> BigInt,
        unit_cost_minor -> BigInt,
        received -> BigInt,
    }
}

diesel::table! {
    purchase_receipts (id) {
        id -> Text,
        order_id -> Text,
        received_on -> Date,
        location_id -> Nullable<Text>,
        received_by -> Nullable<Text>,
        request_key -> Nullable<Text>,
        created_at -> Timestamp,
        request_hash -> Nullable<Text>,
    }
}

diesel::table! {
    purchase_receipt_lines (receipt_id, line_number) {
        receipt_id -> Text,
        line_number -> Integer,
        quantity -> BigInt,
        entitlement_id -> Nullable<Text>,
    }
}

diesel::table! {
    purchase_units (asset_id) {
        asset_id -> Text,
        order_id -> Text,
        line_number -> Integer,
        receipt_id -> Nullable<Text>,
    }
}

diesel::table! {
    purchase_invoices (id) {
        id -> Text,
        order_id -> Text,
        number -> Text,
        amount_minor -> BigInt,
        received_on -> Date,
        expected_minor -> BigInt,
        variance_minor -> BigInt,
        flagged -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(tickets -> queues (queue_id));
diesel::joinable!(tickets -> categories (category_id));
diesel::joinable!(asset_models -> manufacturers (manufacturer_id));
diesel::joinable!(assets -> asset_models (model_id));
diesel::joinable!(assets -> locations (location_id));
diesel::joinable!(assets -> users (assignee_id));
diesel::joinable!(asset_checkouts -> assets (asset_id));
diesel::joinable!(ticket_assets -> assets (asset_id));
diesel::joinable!(software_installations -> assets (asset_id));
diesel::joinable!(ticket_assets -> tickets (ticket_id));
diesel::joinable!(software_installations -> software_titles (title_id));
diesel::joinable!(license_resolutions -> software_titles (title_id));
diesel::joinable!(asset_hardware -> assets (asset_id));
diesel::joinable!(license_allocations -> license_entitlements (entitlement_id));
diesel::joinable!(license_audit_files -> license_audits (audit_id));
diesel::joinable!(vendor_contacts -> vendors (vendor_id));
diesel::joinable!(contracts -> vendors (vendor_id));
diesel::joinable!(contract_terms -> contracts (contract_id));
diesel::joinable!(contract_documents -> contracts (contract_id));
diesel::joinable!(contract_reminders -> contracts (contract_id));
diesel::joinable!(vendor_escalations -> vendors (vendor_id));
diesel::joinable!(contract_assets -> contracts (contract_id));
diesel::joinable!(asset_suppliers -> assets (asset_id));
diesel::joinable!(contract_entitlements -> contracts (contract_id));
diesel::joinable!(purchase_orders -> vendors (vendor_id));
diesel::joinable!(purchase_order_lines -> purchase_orders (order_id));
diesel::joinable!(purchase_receipts -> purchase_orders (order_id));
diesel::joinable!(purchase_receipt_lines -> purchase_receipts (receipt_id));
diesel::joinable!(purchase_invoices -> purchase_orders (order_id));

diesel::allow_tables_to_appear_in_same_query!(
    asset_imports,
    purchase_orders,
    purchase_order_lines,
    purchase_receipts,
    purchase_receipt_lines,
    purchase_units,
    purchase_invoices,
    contract_terms,
    contract_documents,
    people,
    directory_syncs,
    onboarding_templates,
    onboarding_runs,
    onboarding_steps,
    report_months,
    contract_reminders,
    vendor_escalations,
    contract_assets,
    contract_entitlements,
    asset_suppliers,
    users,
    api_tokens,
    web_sessions,
    login_attempts,
    app_secrets,
    queues,
    categories,
    tickets,
    ticket_watchers,
    comments,
    attachments,
    idempotency_keys,
    audit_events,
    sla_calendars,
    sla_policies,
    sla_escalations,
    queue_coordinators,
    notifications,
    jobs,
    job_schedules,
    saved_views,
    canned_responses,
    license_products,
    license_entitlements,
    license_rules,
    app_state,
    mail_messages,
    mail_outbox,
    mail_dead_letters,
    manufacturers,
    asset_models,
    locations,
    assets,
    asset_checkouts,
    ticket_assets,
    software_installations,
    software_titles,
    asset_hardware,
    license_resolutions,
    license_allocations,
    license_audits,
    license_audit_files,
    license_imports,
    vendors,
    vendor_contacts,
    contracts,
);
