//! Which runtime drives the workloads' actors (`--runtime thread|pool`).
//!
//! Every workload starts its actors through [`Runtime::start`] (or [`Runtime::try_start`],
//! [`Runtime::start_restarting`]), so one code path per workload serves both runtimes: `thread`
//! is `actor.start()`, one OS thread per actor (the process default); `pool` is
//! `Pool::global().start(actor)`, the same actor on the global worker pool. Both register in
//! the global registry, as the workloads always did.

use pykka::{Actor, ActorRef, ActorRegistry, Pool, RestartPolicy, Result};

/// The runtime the actors of a run are started on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runtime {
    /// One OS thread per actor (`Actor::start`), pykka's default.
    Thread,
    /// The global pool of the pooled runtime ([`Pool::global`]).
    Pool,
}

impl Runtime {
    /// Parses the value of `--runtime`.
    ///
    /// `thread` is refused when `PYKKA_RUNTIME=pool` is set: `Actor::start` would then start
    /// the actors on the pool, and the lines would be labelled wrongly.
    pub(crate) fn parse(name: &str) -> std::result::Result<Self, String> {
        match name {
            "thread" if pool_is_default() => {
                Err("--runtime thread with PYKKA_RUNTIME=pool set: unset it, or say --runtime pool".into())
            }
            "thread" => Ok(Runtime::Thread),
            "pool" => Ok(Runtime::Pool),
            other => Err(format!("--runtime is `thread` or `pool`, not {other:?}")),
        }
    }

    /// The runtime of a run without `--runtime`: the thread runtime, unless `PYKKA_RUNTIME=pool`
    /// makes the pool the process default.
    pub(crate) fn default_for_process() -> Self {
        if pool_is_default() {
            Runtime::Pool
        } else {
            Runtime::Thread
        }
    }

    /// The extra JSON fields every line of a run carries: none for the thread runtime (so its
    /// lines are exactly the shared anchors'), `"runtime": "pool"` for the pool.
    pub(crate) fn json_fields(self) -> &'static str {
        match self {
            Runtime::Thread => "",
            Runtime::Pool => ", \"runtime\": \"pool\"",
        }
    }

    /// Starts `actor` on this runtime, in the global registry.
    ///
    /// # Panics
    ///
    /// If the actor cannot start (see [`try_start`](Runtime::try_start)).
    pub(crate) fn start<A: Actor + Send>(self, actor: A) -> ActorRef<A> {
        match self {
            Runtime::Thread => actor.start(),
            Runtime::Pool => Pool::global().start(actor),
        }
    }

    /// Starts `actor` on this runtime, in the global registry, or says why it could not.
    pub(crate) fn try_start<A: Actor + Send>(self, actor: A) -> Result<ActorRef<A>> {
        match self {
            Runtime::Thread => actor.try_start(),
            Runtime::Pool => Pool::global().try_start(actor),
        }
    }

    /// Starts an actor restarted in place by `policy`, built by `factory`, in the global
    /// registry.
    pub(crate) fn start_restarting<A, F>(self, policy: RestartPolicy, factory: F) -> ActorRef<A>
    where
        A: Actor + Send,
        F: FnMut() -> A + Send + 'static,
    {
        match self {
            Runtime::Thread => A::start_restarting(policy, factory),
            Runtime::Pool => Pool::global().start_restarting_in(ActorRegistry::global(), policy, factory),
        }
    }
}

/// Whether `PYKKA_RUNTIME=pool` makes `Actor::start` use the pool (as pykka reads it).
fn pool_is_default() -> bool {
    std::env::var("PYKKA_RUNTIME").is_ok_and(|v| v.eq_ignore_ascii_case("pool"))
}
