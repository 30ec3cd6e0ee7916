//! A line for reads: at most `limit` read transactions run at once, the
//! rest wait their turn in arrival order. With more requests than cores,
//! reads that share the cores by time slices all finish late; taken in
//! turn, each waits for those before it and then runs at full speed, so
//! the slowest answers come much sooner (`database.read_concurrency`).
//! A read started inside another on the same thread does not queue again
//! (it would wait for itself), and none waits longer than [`MAX_WAIT`]: a
//! few long reads holding every place slow the others down, never stop
//! them.

use std::cell::Cell;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The longest a read waits for its turn before it goes on regardless.
pub(super) const MAX_WAIT: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub(super) struct ReadGate {
    limit: u64,
    /// (tickets handed out, reads finished)
    state: Mutex<(u64, u64)>,
    turn: Condvar,
}

thread_local! {
    /// How deep this thread is inside gated reads.
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

/// A place in the gate, given back when dropped.
pub(super) struct Pass<'a> {
    gate: Option<&'a ReadGate>,
}

impl ReadGate {
    /// `limit` 0: no line.
    pub(super) fn new(limit: usize) -> ReadGate {
        ReadGate {
            limit: limit as u64,
            state: Mutex::new((0, 0)),
            turn: Condvar::new(),
        }
    }

    /// Waits for this thread's turn (at once when the gate is open or the
    /// thread is inside a read already).
    pub(super) fn enter(&self) -> Pass<'_> {
        let nested = INSIDE.with(|d| {
            let depth = d.get();
            d.set(depth + 1);
            depth > 0
        });
        if self.limit == 0 || nested {
            return Pass { gate: None };
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = state.0;
        state.0 += 1;
        let deadline = Instant::now() + MAX_WAIT;
        while ticket >= state.1 + self.limit {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Long reads (an export, a report) hold the places: go on
                // rather than wait for them.
                break;
            }
            state = self
                .turn
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        Pass { gate: Some(self) }
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        INSIDE.with(|d| d.set(d.get().saturating_sub(1)));
        if let Some(gate) = self.gate {
            let mut state = gate.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.1 += 1;
            drop(state);
            gate.turn.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_than_the_limit_run_at_once_and_nested_reads_do_not_wait() {
        let gate = Arc::new(ReadGate::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let _pass = gate.enter();
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        // A read inside the read: no second place needed.
                        let _inner = gate.enter();
                        std::thread::yield_now();
                        running.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let open = ReadGate::new(0);
        let (_a, _b, _c) = (open.enter(), open.enter(), open.enter());
    }

    #[test]
    fn a_read_goes_on_when_long_reads_hold_every_place() {
        let gate = Arc::new(ReadGate::new(1));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (entered, wait_entered) = std::sync::mpsc::channel::<()>();
        let long = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let _pass = gate.enter();
                entered.send(()).unwrap();
                let _ = released.recv();
            })
        };
        wait_entered.recv().unwrap();
        let started = Instant::now();
        let other = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let _pass = gate.enter();
            })
        };
        other.join().unwrap();
        let waited = started.elapsed();
        assert!(waited >= MAX_WAIT && waited < MAX_WAIT * 10, "{waited:?}");
        release.send(()).unwrap();
        long.join().unwrap();
    }
}
