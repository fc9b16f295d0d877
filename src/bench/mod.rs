//! The benchmark suite (`genomics-training bench ...`): a population generator that writes
//! NHS-scale data straight into the database, and a load driver for the hot paths. Results and
//! how to reproduce them are in docs/benchmarks.md.

pub mod baseline;
mod copy;
pub mod insert;
pub mod load;
pub mod memory;
pub mod population;
mod ready;
pub mod report;
pub mod seed;
pub mod simulate;
mod write;
