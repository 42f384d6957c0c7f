-- Version 4: the differential-privacy budget ledger (one per dataset and privacy unit; charges append-only).
CREATE TABLE privacy_budgets (
    dataset TEXT NOT NULL,
    privacy_unit TEXT NOT NULL,
    epsilon DOUBLE PRECISION NOT NULL,
    delta DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (dataset, privacy_unit)
);
CREATE TABLE privacy_charges (
    dataset TEXT NOT NULL,
    privacy_unit TEXT NOT NULL,
    seq BIGINT NOT NULL,
    charged_at BIGINT NOT NULL,
    description TEXT NOT NULL,
    events TEXT NOT NULL,
    PRIMARY KEY (dataset, privacy_unit, seq)
);
