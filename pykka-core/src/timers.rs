//! Timers: delayed and periodic work, typed and exact to cancel, without an async runtime.
//!
//! - [`actor`]: timers owned by an actor ([`Timers`], from `Context::timers`), fired by the
//!   actor's own runtime when its inbox is empty, so no thread per timer.
//! - [`delayed`]: delayed sends from anywhere ([`TimerHandle`]), served by one shared thread
//!   started on first use.
//! - [`clock`]: real time, or a [`ManualClock`] that tests advance.
//! - [`queue`]: the data structure under both, a binary heap over a slab with lazy deletion.
//!
//! The runtime seam: an actor's timers live in its shared cell, and a driver serves them by
//! calling `Lifecycle::fire_timer` when the actor's inbox is empty and its timers are armed,
//! and by waiting for the next message no later than `TimerCell::deadline`. The thread
//! runtime waits on the inbox with that deadline; a pooled driver would instead park the idle
//! actor in a shared timer queue (this module's [`delayed`] service) until the deadline, and
//! schedule it then like an actor that received a message.

pub(crate) mod actor;
pub(crate) mod clock;
pub(crate) mod delayed;
pub(crate) mod queue;

pub use actor::Timers;
pub use clock::{Clock, ManualClock};
pub use delayed::TimerHandle;
