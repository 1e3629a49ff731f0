//! Wall time per phase of a command (`--verbose`): loading the config and rules, listing the
//! source, scanning, comparing with the baseline, writing the report. A leaf: it knows clocks and
//! names only.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The phases of one run, each timed from the end of the previous one.
#[derive(Debug)]
pub struct Phases {
    started: Instant,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    last: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Phases {
    /// Phases of a run that started at `started`.
    pub fn new(started: Instant) -> Self {
        Phases {
            started,
            state: Mutex::new(State {
                last: started,
                done: Vec::new(),
            }),
        }
    }

    /// Ends the current phase as `name` (the time since the previous mark).
    pub fn mark(&self, name: &'static str) {
        let now = Instant::now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let took = now - s.last;
        s.last = now;
        s.done.push((name, took));
    }

    /// `name 1.2 ms, name 30.0 ms, ..., total 31.2 ms`.
    pub fn line(&self) -> String {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut parts: Vec<String> = s
            .done
            .iter()
            .map(|(name, d)| format!("{name} {}", millis(*d)))
            .collect();
        parts.push(format!("total {}", millis(s.last - self.started)));
        parts.join(", ")
    }
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_timed_in_order_and_sum_to_the_total() {
        let start = Instant::now();
        let p = Phases::new(start);
        p.mark("rules");
        std::thread::sleep(Duration::from_millis(5));
        p.mark("scan");
        let line = p.line();
        let names: Vec<&str> = line
            .split(", ")
            .map(|part| part.split(' ').next().unwrap_or_default())
            .collect();
        assert_eq!(names, ["rules", "scan", "total"], "{line}");
        let s = p.state.lock().unwrap();
        assert!(s.done[1].1 >= Duration::from_millis(5));
        assert_eq!(s.done.iter().map(|d| d.1).sum::<Duration>(), s.last - start);
    }
}
