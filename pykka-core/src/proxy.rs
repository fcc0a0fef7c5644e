//! The runtime side of proxies: [`Reply`] slots and the [`Dispatch`] trait that
//! `#[pykka::actor]` and `#[pykka::traversable]` implement for their message enums.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use crate::actor::{Actor, Context};
use crate::actor_ref::ActorRef;
use crate::call::Job;
use crate::error::Error;
use crate::future::{Future, Limit, Promise};
use crate::panic::panic_message;

/// A message that can be applied to a `T`: the generated message enums implement it for the
/// actor (or traversable type) whose methods and fields they carry.
///
/// Send one to an actor with [`ActorRef::send`](crate::ActorRef::send) to call a method
/// without a proxy (Pykka's `ProxyCall`, `ProxyGetAttr` and `ProxySetAttr` messages).
pub trait Dispatch<T>: Send + 'static {
    /// Applies the message to `target` on the actor's thread, answering its reply slot.
    fn dispatch(self, target: &mut T);

    /// A short label for debugging: the method or field the message is about.
    ///
    /// Called on the actor's thread just before [`dispatch`](Dispatch::dispatch), outside the
    /// reply slot's panic handling: it must not panic (a panic here is a failure of the actor).
    fn label(&self) -> &'static str;
}

/// The reply slot carried by a generated message: either a promise to answer (ask semantics)
/// or nothing (tell semantics, Pykka's `defer`).
pub struct Reply<R> {
    promise: Option<Promise<R>>,
}

impl<R> Reply<R> {
    /// A reply slot that answers `promise`.
    pub fn ask(promise: Promise<R>) -> Self {
        Reply { promise: Some(promise) }
    }

    /// A reply slot for an actor: returns it with the future it will answer.
    pub fn for_actor(actor: &crate::ActorId) -> (Self, Future<R>) {
        let (promise, future) = Promise::with_fulfiller(Some(actor.clone()));
        (Reply::ask(promise), future)
    }

    /// No reply: the message is fire-and-forget, and a panic while handling it is a failure
    /// of the actor.
    pub fn tell() -> Self {
        Reply { promise: None }
    }

    /// Returns true if somebody waits for the reply.
    pub fn is_ask(&self) -> bool {
        self.promise.is_some()
    }

    /// Runs `f` and delivers its result.
    ///
    /// With a promise, a panic in `f` is caught, logged at INFO and sent to the caller as
    /// [`Error::Panicked`]. Without one, the panic propagates to the actor's runtime, which
    /// treats it as a failure.
    pub fn run(self, f: impl FnOnce() -> R) {
        match self.promise {
            None => {
                f();
            }
            Some(promise) => match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) => promise.set(value),
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    match promise.fulfiller().cloned() {
                        Some(actor) => {
                            tracing::info!(
                                target: "pykka",
                                actor = %actor,
                                error = %message,
                                "Exception returned from {actor} to caller: {message}"
                            );
                            promise.set_error(Error::Panicked { actor, message });
                            crate::panic::fail_on_ask_panic(payload);
                        }
                        None => promise.set_error(Error::Custom { message }),
                    }
                }
            },
        }
    }
}

impl<R> fmt::Debug for Reply<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.promise.is_some() {
            "Reply::Ask"
        } else {
            "Reply::Tell"
        })
    }
}

/// Gets the traversable `T` out of the actor `A`: the composed path of a nested proxy.
///
/// A thin pointer (an `Arc` of a box, not of the closure itself), so that with a reply slot it
/// still fits the two words a call carries in place: a nested getter costs no allocation.
type Access<A, T> = Arc<AccessFn<A, T>>;

/// The closure behind an [`Access`].
type AccessFn<A, T> = Box<dyn for<'a> Fn(&'a mut A) -> &'a mut T + Send + Sync>;

/// The common core of every generated proxy: the actor's reference, and the path from the
/// actor to the object the proxy stands for (empty for the actor itself).
///
/// Generated code builds on it; users meet it only through the generated proxies.
#[doc(hidden)]
pub struct ProxyBase<A: Actor, T> {
    actor_ref: ActorRef<A>,
    path: Arc<[&'static str]>,
    /// `None` for a proxy to the actor itself (then `T` is `A`).
    access: Option<Access<A, T>>,
    /// Set by `with_timeout`: bounds each call's wait for room and its reply's blocking reads.
    timeout: Option<Duration>,
}

impl<A: Actor> ProxyBase<A, A> {
    /// The base of a proxy to the actor itself.
    pub fn root(actor_ref: ActorRef<A>) -> Self {
        ProxyBase {
            actor_ref,
            path: Arc::from(Vec::new()),
            access: None,
            timeout: None,
        }
    }
}

impl<A: Actor, T: 'static> ProxyBase<A, T> {
    /// Returns the proxied actor's reference.
    pub fn actor_ref(&self) -> &ActorRef<A> {
        &self.actor_ref
    }

    /// Returns the attribute path from the actor to the proxied object.
    pub fn path(&self) -> &[&'static str] {
        &self.path
    }

    /// The base of a proxy to the field `name` of the proxied object.
    pub fn nested<U: 'static>(&self, name: &'static str, field: fn(&mut T) -> &mut U) -> ProxyBase<A, U> {
        let parent = self.access.clone();
        let mut path = self.path.to_vec();
        path.push(name);
        ProxyBase {
            actor_ref: self.actor_ref.clone(),
            path: Arc::from(path),
            access: Some(Arc::new(Box::new(move |a: &mut A| field(resolve(&parent, a))))),
            timeout: self.timeout,
        }
    }

    /// The same proxy with another default timeout (`None`: none), which nested proxies and
    /// the `defer()` form taken from it inherit.
    ///
    /// With a timeout `t`, each call fixes a deadline `t` from when it is made. The call waits
    /// for room in a bounded inbox until then at most: if the room does not come, an ask-form
    /// call returns a future already failed with [`Error::Timeout`] and a `defer()` call
    /// returns that error. The call's future gives up at the same deadline when it is read
    /// without a timeout of its own (`get`, `wait`), or with a later one. `.await` is not
    /// bounded by it (there is no timer behind a poll).
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Self {
        ProxyBase {
            timeout,
            ..self.clone()
        }
    }

    /// Returns the default timeout set by [`with_timeout`](Self::with_timeout).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Creates a reply slot answered by this proxy's actor (limited by the proxy's timeout, if
    /// it has one).
    pub fn reply<R>(&self) -> (Reply<R>, Future<R>) {
        match self.timeout {
            None => Reply::for_actor(self.actor_ref.id()),
            Some(timeout) => {
                let (promise, future) = Promise::with_limit(self.actor_ref.id().clone(), Limit::after(timeout));
                (Reply::ask(promise), future)
            }
        }
    }

    /// Sends the work of one generated method: `f` builds the method's message on the actor's
    /// thread from what it captured (the arguments and the reply slot) and dispatches it.
    ///
    /// This is how proxies send their calls: the captures, without the message enum's tag,
    /// travel inside the inbox slot when they fit in two words. Through a root proxy that is a
    /// method with one word-sized argument, a getter, a setter of a word-sized field; through a
    /// nested proxy, whose path takes one of the words, a getter or a method without
    /// arguments. `label` is a closure returning the method's name, so that it takes no room.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor has stopped; `f`, and the reply slot it captured, is
    /// then dropped, which fails the reply's future too.
    #[inline]
    pub fn send_fn<L, F>(&self, label: L, f: F) -> crate::Result<()>
    where
        L: Fn() -> &'static str + Send + 'static,
        F: FnOnce(&mut T) + Send + 'static,
    {
        match self.timeout {
            None => self.send_limited(label, f, None),
            Some(timeout) => self.send_limited(label, f, Some(Limit::after(timeout))),
        }
    }

    /// Queues the work of one generated method, waiting for room in a bounded inbox until
    /// `limit`'s deadline at most (`None`: as long as it takes).
    #[inline]
    fn send_limited<L, F>(&self, label: L, f: F, limit: Option<Limit>) -> crate::Result<()>
    where
        L: Fn() -> &'static str + Send + 'static,
        F: FnOnce(&mut T) + Send + 'static,
    {
        match &self.access {
            None => self
                .actor_ref
                .call_limited(MethodJob::new(label, f, Root(PhantomData)), limit),
            Some(access) => self
                .actor_ref
                .call_limited(MethodJob::new(label, f, access.clone()), limit),
        }
    }

    /// Schedules the work of one generated method (as [`send_fn`](Self::send_fn) sends it) to
    /// be sent after `delay`: the proxies' `after(delay)` form. The proxy's timeout does not
    /// apply: a delayed send never waits for room.
    pub fn send_after<L, F>(&self, delay: Duration, label: L, f: F) -> crate::TimerHandle
    where
        L: Fn() -> &'static str + Send + 'static,
        F: FnOnce(&mut T) + Send + 'static,
    {
        match &self.access {
            None => self
                .actor_ref
                .call_after(delay, MethodJob::new(label, f, Root(PhantomData))),
            Some(access) => self
                .actor_ref
                .call_after(delay, MethodJob::new(label, f, access.clone())),
        }
    }

    /// [`send_fn`](Self::send_fn) for a method whose reply answers `future`; returns `future`.
    #[inline]
    pub fn ask_fn<L, F, R>(&self, label: L, f: F, future: Future<R>) -> Future<R>
    where
        L: Fn() -> &'static str + Send + 'static,
        F: FnOnce(&mut T) + Send + 'static,
    {
        // On a dead actor `f`, and with it the reply slot, is dropped, which fails `future`
        // with `ActorDead`. A proxy with a timeout waits for room until the reply's own limit.
        match self.send_limited(label, f, future.limit()) {
            Err(error @ Error::Timeout { .. }) => Future::failed_for(error, Some(self.actor_ref.id().clone())),
            _ => future,
        }
    }
}

/// Follows a proxy's path from the actor to the proxied object.
fn resolve<'a, A: 'static, T: 'static>(access: &Option<Access<A, T>>, actor: &'a mut A) -> &'a mut T {
    match access {
        Some(access) => access(actor),
        None => as_root(actor),
    }
}

/// The actor itself as the object of a root proxy (whose `T` is `A`).
fn as_root<A: 'static, T: 'static>(actor: &mut A) -> &mut T {
    (actor as &mut dyn Any)
        .downcast_mut::<T>()
        .expect("a proxy without a path stands for its actor")
}

/// Where a proxy's object is inside its actor: the actor itself, or the end of a path.
trait Locate<A, T>: Send + 'static {
    fn locate<'a>(&self, actor: &'a mut A) -> &'a mut T;
}

/// The actor itself (a root proxy): takes no room.
struct Root<T>(PhantomData<fn() -> T>);

impl<A: 'static, T: 'static> Locate<A, T> for Root<T> {
    fn locate<'a>(&self, actor: &'a mut A) -> &'a mut T {
        as_root(actor)
    }
}

impl<A: 'static, T: 'static> Locate<A, T> for Access<A, T> {
    fn locate<'a>(&self, actor: &'a mut A) -> &'a mut T {
        self(actor)
    }
}

/// The job of a generated method: `f` applied to the object `place` locates. Through a root
/// proxy it is as small as what `f` captured; a nested proxy's path adds one word.
struct MethodJob<L, F, P, T> {
    label: L,
    f: F,
    place: P,
    target: PhantomData<fn() -> T>,
}

impl<L, F, P, T> MethodJob<L, F, P, T> {
    fn new(label: L, f: F, place: P) -> Self {
        MethodJob {
            label,
            f,
            place,
            target: PhantomData,
        }
    }
}

impl<A, T, L, F, P> Job<A> for MethodJob<L, F, P, T>
where
    A: Actor,
    T: 'static,
    L: Fn() -> &'static str + Send + 'static,
    F: FnOnce(&mut T) + Send + 'static,
    P: Locate<A, T>,
{
    fn label(&self) -> &'static str {
        (self.label)()
    }

    fn run(self, actor: &mut A, _ctx: &Context<A>) {
        (self.f)(self.place.locate(actor));
    }
}

impl<A: Actor, T> Clone for ProxyBase<A, T> {
    fn clone(&self) -> Self {
        ProxyBase {
            actor_ref: self.actor_ref.clone(),
            path: self.path.clone(),
            access: self.access.clone(),
            timeout: self.timeout,
        }
    }
}

impl<A: Actor, T> PartialEq for ProxyBase<A, T> {
    fn eq(&self, other: &Self) -> bool {
        self.actor_ref == other.actor_ref && self.path == other.path
    }
}

impl<A: Actor, T> Eq for ProxyBase<A, T> {}

impl<A: Actor, T> std::hash::Hash for ProxyBase<A, T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.actor_ref.hash(state);
        self.path.hash(state);
    }
}

impl<A: Actor, T> fmt::Display for ProxyBase<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActorProxy for {}", self.actor_ref.id())?;
        if !self.path.is_empty() {
            write!(f, ", attr_path={}", self.path.join("."))?;
        }
        Ok(())
    }
}

impl<A: Actor, T> fmt::Debug for ProxyBase<A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<ActorProxy for {}, attr_path=(", self.actor_ref.id())?;
        for name in self.path.iter() {
            write!(f, "{name:?},")?;
        }
        f.write_str(")>")
    }
}

/// An actor with a typed proxy: implemented by `#[pykka::actor]` on the actor's struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no proxy",
    label = "add `#[pykka::actor]` to the definition of `{Self}`",
    note = "a proxy is generated by `#[pykka::actor]` on the actor's struct and on its `impl` block"
)]
pub trait Proxied: Actor {
    /// The generated proxy type, `{Actor}Proxy`.
    type Proxy: Clone + Send + Sync;

    /// Wraps a proxy base into the generated proxy.
    #[doc(hidden)]
    fn proxy_from(base: ProxyBase<Self, Self>) -> Self::Proxy;
}

/// A type whose `pub` methods `#[pykka::actor]` (or `#[pykka::traversable]`) on its `impl`
/// block made callable through a proxy.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has `#[pykka::actor]` or `#[pykka::traversable]` on its struct but not on an `impl` block",
    label = "add the struct's attribute to an `impl {Self}` block (it may be empty)"
)]
pub trait HasMethods {
    /// The generated method-call enum, `{Type}Call`.
    type Call;
}

/// A type marked `#[pykka::traversable]`: reachable through nested proxies.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not traversable",
    label = "add `#[pykka::traversable]` to the definition of `{Self}` and to its `impl` block",
    note = "a field marked `#[traversable]` must have a `#[pykka::traversable]` type"
)]
pub trait Traversable: Sized + 'static {
    /// The generated nested proxy type, `{Type}Proxy<A>`, for a path inside actor `A`.
    type Proxy<A: Actor>: Clone + Send + Sync;

    /// Wraps a proxy base into the nested proxy.
    #[doc(hidden)]
    fn proxy_from<A: Actor>(base: ProxyBase<A, Self>) -> Self::Proxy<A>;
}

/// A marker that the struct part of an `#[pykka::actor]` or `#[pykka::traversable]` exists.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has `#[pykka::actor]` or `#[pykka::traversable]` on an `impl` block but not on its struct",
    label = "add the `impl` block's attribute to the definition of `{Self}`"
)]
pub trait ProxyStruct {}

/// Arguments and results of proxied methods, and the values of proxied fields, travel between
/// threads, so they must be `Send`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to or from the actor's thread",
    label = "a proxy sends this value between threads, so it must be `Send`"
)]
pub trait SendArg {}

impl<T: Send> SendArg for T {}

/// A type under `#[pykka::actor]`, which must implement [`Actor`]; the struct's expansion
/// asserts it, so a missing `impl Actor` is reported once, at the struct's name.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has `#[pykka::actor]` but does not implement `pykka::Actor`",
    label = "add `impl pykka::Actor for {Self} {{ type Message = ...; type Reply = ...; }}`",
    note = "`#[pykka::actor]` generates the proxy; the `Actor` impl says what the actor's own messages and replies are (`()` if it has none)"
)]
pub trait IsActor {}

impl<T: Actor> IsActor for T {}

/// Asserts at compile time that `T` is an [`Actor`].
#[doc(hidden)]
pub fn assert_actor<T: IsActor + ?Sized>() {}

/// Asserts at compile time that `T` is [`SendArg`].
#[doc(hidden)]
pub fn assert_send_arg<T: SendArg + ?Sized>() {}

impl<A: Actor> ActorRef<A> {
    /// Returns a typed proxy to the actor: call its methods and read or write its `pub` fields
    /// as if it were a local object; every call is a message.
    ///
    /// # Errors
    ///
    /// [`Error::ActorDead`] if the actor is not running.
    ///
    /// `P` is always `A`'s proxy type, inferred: the bound is on the method (rather than
    /// `A: Proxied` on the impl) so that calling it on an actor without `#[pykka::actor]` is
    /// reported with [`Proxied`]'s own message.
    pub fn proxy<P>(&self) -> crate::Result<P>
    where
        A: Proxied<Proxy = P>,
    {
        if !self.is_alive() {
            return Err(Error::ActorDead {
                actor: self.id().clone(),
            });
        }
        Ok(A::proxy_from(ProxyBase::root(self.clone())))
    }
}

impl<A: Actor> Context<A> {
    /// Returns a proxy to the actor itself. Calls through it are queued after the messages
    /// already in the inbox (manual 2.7, "Proxy to itself"); do not block on their futures
    /// from the actor's own thread.
    ///
    /// `P` is always `A`'s proxy type, inferred (see [`ActorRef::proxy`]).
    pub fn proxy<P>(&self) -> P
    where
        A: Proxied<Proxy = P>,
    {
        A::proxy_from(ProxyBase::root(self.actor_ref().clone()))
    }
}

/// Returns the context of the actor running on this thread, for generated methods that take
/// `&Context<Self>`.
///
/// # Panics
///
/// If this thread is not running an `A` (generated code only calls it from `A`'s thread).
#[doc(hidden)]
pub fn current_context<A: Actor>() -> Context<A> {
    Context::current().unwrap_or_else(|| panic!("no context of actor `{}` on this thread", A::name()))
}

/// Asserts at compile time that `T`'s struct carries `#[pykka::actor]`/`#[pykka::traversable]`.
#[doc(hidden)]
pub fn assert_proxy_struct<T: ProxyStruct + ?Sized>() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::fits;
    use crate::call::tests::Probe;

    /// The size a job of type `J` would have, for the closure `f` (types only).
    fn job_fits<L, F>(_label: &L, _f: &F) -> bool {
        fits::<MethodJob<L, F, Root<Probe>, Probe>>()
    }

    /// What `#[actor]` generates for a method with one word-sized argument travels in place:
    /// the argument and the reply slot, without the message enum's tag.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_call_with_one_word_argument_travels_in_place() {
        let (reply, _future) = Reply::<u64>::for_actor(&crate::ActorId::new("Probe"));
        let x = 7u64;
        let f = move |_: &mut Probe| reply.run(|| x + 1);
        assert!(job_fits(&|| "add", &f));
        let (reply, _future) = Reply::<u64>::for_actor(&crate::ActorId::new("Probe"));
        let (a, b) = (1u64, 2u64);
        let g = move |_: &mut Probe| reply.run(|| a + b);
        assert!(!job_fits(&|| "add", &g), "two words of arguments and a reply are boxed");
    }

    /// A nested proxy's getter carries its path and its reply slot: two words.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_nested_getter_travels_in_place() {
        let (reply, _future) = Reply::<u64>::for_actor(&crate::ActorId::new("Probe"));
        let f = move |target: &mut u64| reply.run(|| *target);
        let label = || "value";
        assert!(job_fits_path(&label, &f));
    }

    fn job_fits_path<L, F>(_label: &L, _f: &F) -> bool {
        fits::<MethodJob<L, F, Access<Probe, u64>, u64>>()
    }
}
