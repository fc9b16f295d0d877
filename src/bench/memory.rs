//! The server's peak resident memory during a run, sampled from `/proc/<pid>/status` (Linux)
//! every 50 ms by a background task.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Largest `VmRSS` seen since the last [`PeakRss::reset`], in kB.
#[derive(Debug, Clone)]
pub struct PeakRss {
    pid: u32,
    peak_kb: Arc<AtomicU64>,
}

/// The `VmRSS` (or another field, such as `VmHWM`) of `pid` in kB, if readable.
pub fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_kb(&status, field)
}

fn parse_kb(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

impl PeakRss {
    /// Starts sampling `pid`; `None` if its memory cannot be read.
    pub fn start(pid: u32) -> Option<Self> {
        status_kb(pid, "VmRSS")?;
        let peak = Self {
            pid,
            peak_kb: Arc::new(AtomicU64::new(0)),
        };
        let sampler = peak.clone();
        tokio::spawn(async move {
            while let Some(kb) = status_kb(sampler.pid, "VmRSS") {
                sampler.peak_kb.fetch_max(kb, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        Some(peak)
    }

    pub fn reset(&self) {
        let now = status_kb(self.pid, "VmRSS").unwrap_or(0);
        self.peak_kb.store(now, Ordering::Relaxed);
    }

    pub fn peak_mb(&self) -> f64 {
        self.peak_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_field_in_kilobytes() {
        let status = "Name:\tgenomics\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assert_eq!(parse_kb(status, "VmRSS"), Some(102_400));
        assert_eq!(parse_kb(status, "VmHWM"), Some(204_800));
        assert_eq!(parse_kb(status, "VmSwap"), None);
    }

    #[test]
    fn samples_this_process() {
        assert!(status_kb(std::process::id(), "VmRSS").is_some_and(|kb| kb > 0));
    }
}
