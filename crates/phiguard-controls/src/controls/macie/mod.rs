//! Amazon Macie controls: sensitive-data discovery on the buckets that hold PHI.

pub mod macie_phi_buckets_inspected;
