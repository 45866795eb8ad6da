//! What the store means: [`detect`] runs the built-in detection rules,
//! [`lineage`] follows a role session back to who started it, [`coverage`]
//! tells which accounts, regions and hours the files cover and checks them
//! against [`digest`] files (their signatures and chain: [`signature`]; a load's verdict and evidence manifest: [`integrity`]), [`sigma`] runs Sigma rules, [`summary`]
//! aggregates per principal, and [`navigator`] hands findings to MITRE's
//! ATT&CK Navigator.

pub mod coverage;
pub mod detect;
pub mod digest;
pub mod integrity;
pub mod lineage;
pub mod navigator;
pub mod sigma;
pub mod signature;
pub mod summary;
