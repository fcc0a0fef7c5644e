//! The defects of today's runtime (issue 11) the run can include or avoid, one switch each, so
//! each can be turned on as its fix lands.

/// Which known defects the run exercises. The default run avoids them all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Known {
    /// Section 2: messages whose `Drop` panics, sent by any driver to any actor at any time
    /// (one queued in the last window of the inbox's final drain escapes crossbeam's clean-up
    /// and strands the asks and stops behind it).
    pub(crate) drain_window: bool,
    /// Section 2: replies whose `Drop` panics, left to the runtime to drop (a told message, an
    /// asker that gave up): the actor fails instead of logging it.
    pub(crate) reply_drop: bool,
    /// Section 2: an actor whose `on_start` (or factory) panics and whose `Drop` panics too.
    pub(crate) start_drop: bool,
    /// Section 1: check that `registry.stop_all()` returns only once every actor of the
    /// registry has finished `on_stop`/`on_failure`.
    pub(crate) stop_all_wait: bool,
}

impl Known {
    /// The names `--known-defects` takes, in field order.
    pub(crate) const NAMES: [&'static str; 4] = ["drain-window", "reply-drop", "start-drop", "stop-all-wait"];

    /// Every known defect.
    pub(crate) fn all() -> Self {
        Known {
            drain_window: true,
            reply_drop: true,
            start_drop: true,
            stop_all_wait: true,
        }
    }

    /// Turns on the defects named in a comma-separated `list`.
    pub(crate) fn add(&mut self, list: &str) -> Result<(), String> {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "drain-window" => self.drain_window = true,
                "reply-drop" => self.reply_drop = true,
                "start-drop" => self.start_drop = true,
                "stop-all-wait" => self.stop_all_wait = true,
                "all" => *self = Known::all(),
                other => {
                    return Err(format!(
                        "unknown defect `{other}` (known: {}, all)",
                        Known::NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// The included defects, comma-separated (`none` if none).
    pub(crate) fn list(&self) -> String {
        let on = [self.drain_window, self.reply_drop, self.start_drop, self.stop_all_wait];
        let names: Vec<&str> = Known::NAMES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(",")
        }
    }
}
