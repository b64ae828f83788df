-- shuyaku_sim schema, version 1. No column ever holds a 個人番号 in clear:
-- mn_digest / nominal_head_digest are keyed HMAC-SHA256 digests.

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    result_json TEXT NOT NULL,
    UNIQUE (municipality_code, idempotency_key)
);

CREATE TABLE persons (
    prefectural_id TEXT PRIMARY KEY,
    mn_digest BLOB NOT NULL UNIQUE,
    submission_id INTEGER NOT NULL REFERENCES submissions (id)
);

CREATE TABLE serials (
    prefecture TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE links (
    municipality_code TEXT NOT NULL,
    municipal_insured_id TEXT NOT NULL,
    prefectural_id TEXT NOT NULL REFERENCES persons (prefectural_id),
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (municipality_code, municipal_insured_id)
);
CREATE INDEX links_person ON links (prefectural_id);

CREATE TABLE person_periods (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    municipal_insured_id TEXT NOT NULL,
    prefectural_id TEXT NOT NULL REFERENCES persons (prefectural_id),
    household_no TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    relation TEXT NOT NULL,
    qualification_acquired TEXT NOT NULL,
    qualification_lost TEXT,
    coverage_start TEXT NOT NULL,
    coverage_start_reason TEXT NOT NULL,
    coverage_end TEXT,
    coverage_end_reason TEXT,
    previous_municipality TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    UNIQUE (municipality_code, municipal_insured_id, coverage_start)
);
CREATE INDEX person_periods_person ON person_periods (prefectural_id, municipality_code);
CREATE INDEX person_periods_household ON person_periods (municipality_code, household_no);

CREATE TABLE household_periods (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    household_no TEXT NOT NULL,
    head_type TEXT NOT NULL,
    head_insured_id TEXT,
    nominal_head_digest BLOB,
    head_name_kana TEXT NOT NULL,
    head_name TEXT NOT NULL,
    coverage_start TEXT NOT NULL,
    coverage_end TEXT,
    change_date TEXT NOT NULL,
    change_reason TEXT NOT NULL,
    previous_municipality TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    -- one version per change: a 変更 record with a new 異動年月日 keeps the older versions
    UNIQUE (municipality_code, household_no, coverage_start, change_date)
);

-- One row per in-prefecture move-in period (適用開始事由 02) and its check (§2.3).
CREATE TABLE moves (
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL UNIQUE REFERENCES person_periods (id),
    prefectural_id TEXT NOT NULL REFERENCES persons (prefectural_id),
    new_municipality TEXT NOT NULL,
    new_household_no TEXT NOT NULL,
    move_date TEXT NOT NULL,
    previous_municipality TEXT NOT NULL,
    result_code TEXT NOT NULL,
    old_period_id INTEGER REFERENCES person_periods (id),
    old_household_no TEXT,
    checked_at TEXT NOT NULL
);
CREATE INDEX moves_new ON moves (new_municipality, new_household_no);
CREATE INDEX moves_old ON moves (previous_municipality, old_household_no);
CREATE INDEX moves_person ON moves (prefectural_id);

-- KSK11 rows as delivered (append-only; the latest per person and municipality counts).
CREATE TABLE qualification_results (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    municipal_insured_id TEXT NOT NULL,
    prefectural_id TEXT NOT NULL,
    qualification_acquired TEXT NOT NULL,
    qualification_lost TEXT,
    coverage_start TEXT NOT NULL,
    coverage_end TEXT,
    previous_municipality TEXT,
    result_code TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id)
);
CREATE INDEX qualification_results_person
    ON qualification_results (municipality_code, municipal_insured_id);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    municipality_code TEXT NOT NULL,
    if_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    acknowledged_at TEXT,
    acknowledged_terminal TEXT,
    acknowledged_staff TEXT
);
CREATE INDEX deliveries_municipality ON deliveries (municipality_code, acknowledged_at);

CREATE TABLE candidate_serials (
    municipality_code TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    candidate_no TEXT NOT NULL UNIQUE,
    after_municipality TEXT NOT NULL,
    after_household_no TEXT NOT NULL,
    before_municipality TEXT NOT NULL,
    before_household_no TEXT NOT NULL,
    move_date TEXT NOT NULL,
    category INTEGER NOT NULL,
    suggestion TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('undecided', 'decided', 'confirmed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    decision TEXT,
    decision_reason TEXT,
    remarks TEXT,
    decided_staff TEXT,
    decided_terminal TEXT,
    decided_at TEXT,
    confirmed_staff TEXT,
    confirmed_terminal TEXT,
    confirmed_at TEXT,
    snapshot_json TEXT,
    UNIQUE (after_municipality, after_household_no, before_municipality, before_household_no)
);
CREATE INDEX candidates_before ON candidates (before_municipality, before_household_no);

-- Every decision ever recorded (the candidate row holds the current one).
CREATE TABLE decision_history (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    decision TEXT NOT NULL,
    reason TEXT,
    remarks TEXT,
    staff_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

CREATE TABLE high_cost_months (
    municipality_code TEXT NOT NULL,
    household_no TEXT NOT NULL,
    head_insured_id TEXT NOT NULL,
    care_month TEXT NOT NULL,
    high_cost_kind TEXT NOT NULL,
    income_category TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    submission_id INTEGER REFERENCES submissions (id),
    PRIMARY KEY (municipality_code, household_no, care_month)
);

CREATE TABLE carried_months (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    after_municipality TEXT NOT NULL,
    after_household_no TEXT NOT NULL,
    care_month TEXT NOT NULL,
    high_cost_kind TEXT NOT NULL,
    income_category TEXT NOT NULL,
    PRIMARY KEY (candidate_id, care_month)
);
CREATE INDEX carried_months_after ON carried_months (after_municipality, after_household_no);

CREATE TABLE operation_log (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    record_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (municipality_code, terminal_id, seq)
);
