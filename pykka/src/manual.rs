//! The user manual: how to write, run, test and debug actors with pykka.
//!
//! This module has no items; each chapter below is a module holding documentation only.
//! Every example in it is a doctest, written as you would write it (`use pykka::…`), so the
//! manual cannot drift from the code. It follows the structure of Python Pykka's manual; the
//! last chapter lists where and why pykka-rs differs.
//!
//! 1. [`getting_started`]: adding pykka to a project (path or git dependency, the `macros`
//!    feature), and a first program.
//! 2. [`actor_model`]: the rules of the actor model, and what runs on which thread.
//! 3. [`actors`]: implementing [`Actor`](crate::Actor), messages and replies, hooks, failures,
//!    the ways to start an actor, bounded inboxes.
//! 4. [`messages`]: `tell`, `ask` and their variants, closures, and how stopping works.
//! 5. [`supervision`]: supervision and watching: restart in place, restart policies
//!    (intensity, backoff), supervisors and their strategies, nesting, shutdown, and
//!    [`Termination`](crate::Termination) futures and watches.
//! 6. [`proxies`]: `#[actor]`, typed proxies, `defer`, fields, the self-proxy, the generated
//!    message enums.
//! 7. [`traversable`]: reaching into an actor's fields with nested proxies.
//! 8. [`interfaces`]: interfaces and listeners: actors of different types behind one typed
//!    trait, lookup and broadcast by interface, controllers that reach their actor (the
//!    Mopidy shape).
//! 9. [`futures`]: [`Future`](crate::Future) and [`Promise`](crate::Promise), the
//!    combinators, [`get_all`](crate::get_all), and `.await`.
//! 10. [`registry`]: [`ActorRegistry`](crate::ActorRegistry), lookups, broadcasts,
//!     `stop_all` and `join_all`.
//! 11. [`timers`]: an actor's own timers (single-shot, fixed delay, fixed rate, keyed, exact
//!     cancel), delayed sends, the manual clock for tests, accuracy, a ticking playback.
//! 12. [`design`]: designing an application: actors that need each other, listeners, periodic
//!     work, supervision, which actor may block on which, timeouts.
//! 13. [`errors`]: every [`Error`](crate::Error) variant, when it happens, and its text.
//! 14. [`logging`]: the `tracing` events under target `pykka`.
//! 15. [`testing`]: testing actors in parallel, with test doubles and bounded waits.
//! 16. [`debugging`]: actor states, the SIGUSR1 dump, deadlock detection.
//! 17. [`runtime`]: choosing a runtime: a thread per actor or a pool of workers, what each
//!     costs, blocking on a pool and its cap, what stays on threads, shutting a pool down.
//! 18. [`differences`]: what differs from Python Pykka, and why.

#[doc = include_str!("../docs/getting_started.md")]
pub mod getting_started {}

#[doc = include_str!("../docs/actor_model.md")]
pub mod actor_model {}

#[doc = include_str!("../docs/actors.md")]
pub mod actors {}

#[doc = include_str!("../docs/messages.md")]
pub mod messages {}

#[doc = include_str!("../docs/supervision.md")]
pub mod supervision {}

#[doc = include_str!("../docs/proxies.md")]
pub mod proxies {}

#[doc = include_str!("../docs/traversable.md")]
pub mod traversable {}

#[doc = include_str!("../docs/interfaces.md")]
pub mod interfaces {}

#[doc = include_str!("../docs/futures.md")]
pub mod futures {}

#[doc = include_str!("../docs/registry.md")]
pub mod registry {}

#[doc = include_str!("../docs/timers.md")]
pub mod timers {}

#[doc = include_str!("../docs/design.md")]
pub mod design {}

#[doc = include_str!("../docs/errors.md")]
pub mod errors {}

#[doc = include_str!("../docs/logging.md")]
pub mod logging {}

#[doc = include_str!("../docs/testing.md")]
pub mod testing {}

#[doc = include_str!("../docs/debugging.md")]
pub mod debugging {}

#[doc = include_str!("../docs/runtime.md")]
pub mod runtime {}

#[doc = include_str!("../docs/differences.md")]
pub mod differences {}
