//! Pykka's actor model in Rust.
#![doc = include_str!("../README.md")]

pub use pykka_core::{
    Actor, ActorId, ActorRef, ActorRegistry, AnyActorRef, Backoff, ChildSpec, Clock, CloneValue, Context, Dispatch,
    Error, Failure, Future, FutureAwait, ManualClock, Promise, Proxied, Reply, Restart, RestartPolicy, Result,
    Strategy, Supervisor, SupervisorSpec, Termination, TimerHandle, Timers, Traversable, TryTellError, Unhandled,
    actor_threads, debug, get_all, get_all_settled, max_actor_threads, quiet_handled_panics, set_max_actor_threads,
};
/// Generates an actor's typed proxy and message enums: put it on the actor's struct **and** on
/// one inherent `impl` block of it (which may be empty).
///
/// This page is the reference of the attribute; the [`proxies`](crate::manual::proxies)
/// chapter of the manual is the tutorial.
///
/// ```
/// use pykka::{actor, Actor};
///
/// #[actor]
/// pub struct Calculator {
///     /// The running total.
///     pub total: i64,
/// }
///
/// impl Actor for Calculator {
///     type Message = ();
///     type Reply = ();
/// }
///
/// #[actor]
/// impl Calculator {
///     /// Adds `x` to the total and returns the new total.
///     pub fn add(&mut self, x: i64) -> i64 {
///         self.total += x;
///         self.total
///     }
/// }
///
/// let proxy = Calculator { total: 0 }.start().proxy().unwrap();
/// assert_eq!(proxy.add(2).get().unwrap(), 2);
/// proxy.defer().add(3).unwrap();
/// assert_eq!(proxy.total().get().unwrap(), 5);
/// proxy.set_total(10).get().unwrap();
/// assert_eq!(proxy.add(1).get().unwrap(), 11);
/// proxy.actor_ref().stop();
/// ```
///
/// # What it generates
///
/// For `struct Calculator`, next to your code, in the struct's module:
///
/// - **`CalculatorProxy`**, returned by [`ActorRef::proxy`](crate::ActorRef::proxy) and
///   [`Context::proxy`](crate::Context::proxy), with the struct's visibility. It implements
///   `Clone`, `PartialEq`, `Eq`, `Hash`, `Debug` and `Display` (two proxies are equal when they
///   reach the same actor along the same path), and has:
///   - for every method of the `#[actor]` impl block that takes `&self` or `&mut self` and is
///     not private (`pub`, `pub(crate)`, …): a method of the same name, visibility, arguments
///     and docs, returning a [`Future`] of its result (ask semantics). An
///     argument of type `&Context<Self>` is not shown: the runtime passes the actor's context;
///   - for every field that is not private: a getter `total()`, a `Future` of a clone of the
///     value (the field's type must be `Clone`), and a setter `set_total(value)`, a
///     `Future<()>` set once the value is written;
///   - for every field marked `#[traversable]`: an accessor `field()` returning the nested
///     proxy of the field's type (see [`traversable`](macro@crate::traversable));
///   - `actor_ref()`, the actor's [`ActorRef`] (usable after the actor
///     stopped), `defer()`, the fire-and-forget form, `attr_path()`, the path from the
///     actor (empty here), and `with_timeout(Duration)`, the same proxy with a default
///     timeout: each call waits at most that long for room in a bounded inbox, and its
///     future's `get`/`wait` give up at the same deadline (nested proxies and `defer()`
///     taken from it inherit it).
/// - **`CalculatorDefer`**, from `proxy.defer()`: the same methods and setters, each sending
///   its message without a reply and returning `Result<()>` (tell semantics; a panic in such a
///   call is a failure of the actor), and `actor_ref()`.
/// - **`CalculatorCall`**, one variant per proxied method (`add` becomes `Add { x, reply }`:
///   the method's name in UpperCamelCase, its arguments, and the [`Reply`] slot),
///   and **`CalculatorMessage`**, a `Call(CalculatorCall)` variant plus `GetTotal { reply }`
///   and `SetTotal { value, reply }` per field (Pykka's `ProxyCall`, `ProxyGetAttr` and
///   `ProxySetAttr`). Both implement [`Dispatch`] and `Debug`; send one
///   yourself with [`ActorRef::send`](crate::ActorRef::send).
/// - An impl of [`Proxied`] for `Calculator`, which makes `.proxy()`
///   available, and, as `#[doc(hidden)]` items, the constants `Calculator::__PYKKA_GETTERS`
///   and `Calculator::__PYKKA_SETTERS` (the accessors' names, used to explain a collision
///   between a method and an accessor) and compile-time checks.
///
/// Associated functions without `self`, private methods and private fields are left alone.
///
/// # Options
///
/// `#[actor]` itself takes no arguments. On a field or a method of the impl block:
///
/// - `#[proxy(skip)]` keeps the item off the proxy: no accessors for a field, no proxy method
///   or message variant for a method. Use it for a `pub` helper that borrows, or to free a
///   name (a `pub volume` field next to a method `set_volume`).
/// - `#[proxy(rename = "name")]` gives the proxy another name for the item: a field's
///   accessors become `name()` and `set_name()` (and its variants `GetName`/`SetName`), a
///   method's proxy method becomes `name()` (and its variant `Name`). The method or field
///   itself keeps its name, and so do logs and `attr_path()`.
/// - On a field, `#[traversable]` (no arguments) reaches the field through a nested proxy.
///
/// These helper attributes are removed from your code; `#[proxy(...)]` on a tuple struct's
/// field is accepted too (only `skip` means anything there).
///
/// ```
/// use pykka::{actor, Actor};
///
/// #[actor]
/// pub struct Player {
///     /// Changed only through `set_volume`, which clamps it.
///     #[proxy(skip)]
///     pub volume: u8,
///     /// Reached as `proxy.title()` / `proxy.set_title(..)`.
///     #[proxy(rename = "title")]
///     pub current_title: String,
/// }
///
/// impl Actor for Player { type Message = (); type Reply = (); }
///
/// #[actor]
/// impl Player {
///     pub fn set_volume(&mut self, volume: u8) {
///         self.volume = volume.min(100);
///     }
///
///     pub fn volume(&self) -> u8 {
///         self.volume
///     }
///
///     /// Not proxied: it borrows.
///     #[proxy(skip)]
///     pub fn describe(&self, prefix: &str) -> String {
///         format!("{prefix}{}", self.current_title)
///     }
/// }
///
/// let player = Player { volume: 0, current_title: String::new() }.start().proxy().unwrap();
/// player.set_volume(250).get().unwrap();
/// assert_eq!(player.volume().get().unwrap(), 100);
/// player.set_title("Blue in Green".to_owned()).get().unwrap();
/// assert_eq!(player.title().get().unwrap(), "Blue in Green");
/// player.actor_ref().stop();
/// ```
///
/// # Attributes on your methods and fields
///
/// Doc comments go to the proxy methods and the message variants. `#[cfg(...)]` and
/// `#[allow(...)]` go to everything generated from the item (its variants, its match arms, its
/// proxy methods and accessors), so a configured-out method or field generates nothing.
/// `#[deprecated]` goes to the proxy methods and accessors, so calling them warns; the
/// generated dispatch still calls the deprecated item without a warning.
///
/// # Types in signatures
///
/// - `Self` in an argument or return type means the actor's type: generated code, which lives
///   in other impls, uses the concrete type (`fn merge(&self, other: Self) -> Self` works).
/// - pykka's context argument is recognised by its shape: a shared reference to `Context<T>`
///   with one type argument, written `Context<..>`, `pykka::Context<..>` or
///   `pykka_core::Context<..>`. Any other type named `Context` (your own `Context` without a
///   type argument, `my::Context<T>`) is an ordinary argument.
/// - Arguments may have any plain name; the generated code's own locals cannot clash with
///   them. The one exception is `reply`, the name of the reply slot in the message variant.
/// - The impl block may name its type by path (`#[actor] impl audio::Mixer`); the proxy is
///   found in the struct's module.
///
/// # Reserved names
///
/// A proxied method's name (or its `rename`) and a field's accessors (`x` and `set_x`, or the
/// renamed pair) must not be:
///
/// - `actor_ref`, `defer`, `attr_path` or `with_timeout`: every proxy has these methods;
/// - `clone`, `clone_from`, `eq`, `ne`, `hash`, `fmt` or `to_string`: an inherent method of
///   that name would silently shadow the proxy's `Clone`, `PartialEq`, `Hash`, `Debug`/`Display`
///   or `ToString` method (`proxy.clone()` would send a message);
/// - a name whose UpperCamelCase form is not a variant name: made only of underscores (`__`),
///   starting with a digit after its underscores (`_1`), or `Self` (`self_`);
/// - the same variant as another method's or field's (`add_one` and `addOne` are both
///   `AddOne`), or the same accessor as another field's (fields `volume` and `set_volume`);
/// - the name of another field's accessor: a method `set_volume` next to a `pub volume` field
///   is a duplicate definition, reported with a note saying the setter was generated.
///
/// Each of these is a compile error at your method or field that names what collides with
/// what; `#[proxy(rename = "...")]` or `#[proxy(skip)]` resolves it without renaming your
/// code.
///
/// # What is rejected, and why
///
/// Each is a compile error pointing at your code:
///
/// - generic methods: a message variant has one set of argument types (put the parameter on
///   the struct instead);
/// - `async fn`: the actor runs each call to completion on its thread, with no executor;
/// - `unsafe fn`: a proxy call cannot uphold its contract for the caller;
/// - `self` by value: the actor stays on its thread;
/// - arguments and return types that borrow (`&str`, `Vec<&str>`, a lifetime other than
///   `'static`, a `Cow` with an elided lifetime) or are `impl Trait`: they cross threads, so
///   they must be owned and named; the error says how to keep a helper off the proxy;
/// - arguments, results and field types that are not `Send`;
/// - arguments that are patterns, or named `reply`;
/// - a macro call among the impl block's items: the methods it produces appear after
///   `#[actor]` has run and could not be proxied (move it to a plain `impl` block);
/// - a `pub` field of a tuple struct: it has no name to derive accessors from (make it
///   private or mark it `#[proxy(skip)]`);
/// - the attribute on an enum, a trait, a trait impl or a function, or with arguments;
/// - a struct without `impl Actor`, or the attribute on only one of the struct and the impl
///   block: the error says which part is missing.
///
/// ```compile_fail
/// #[pykka::actor]
/// pub struct Bad;
/// impl pykka::Actor for Bad { type Message = (); type Reply = (); }
/// #[pykka::actor]
/// impl Bad {
///     pub fn borrow(&self, s: &str) {} // error: arguments cross threads; use an owned type
/// }
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use pykka_macros::actor;

/// Makes a type reachable through nested proxies: put it on the type's struct **and** on one
/// inherent `impl` block of it, and mark the actor's field of that type `#[traversable]`.
///
/// This page is the reference of the attribute; the
/// [`traversable`](crate::manual::traversable) chapter of the manual is the tutorial.
///
/// ```
/// use pykka::{actor, traversable, Actor};
///
/// #[traversable]
/// pub struct Playback {
///     pub position: u32,
/// }
///
/// #[traversable]
/// impl Playback {
///     pub fn seek(&mut self, position: u32) -> u32 {
///         self.position = position;
///         position
///     }
/// }
///
/// #[actor]
/// pub struct Player {
///     #[traversable]
///     pub playback: Playback,
/// }
///
/// impl Actor for Player { type Message = (); type Reply = (); }
///
/// #[actor]
/// impl Player {}
///
/// let player = Player { playback: Playback { position: 0 } }.start().proxy().unwrap();
/// assert_eq!(player.playback().seek(42).get().unwrap(), 42);
/// assert_eq!(player.playback().position().get().unwrap(), 42);
/// assert_eq!(player.playback().attr_path(), ["playback"]);
/// player.actor_ref().stop();
/// ```
///
/// # What it generates
///
/// For `struct Playback`: `PlaybackProxy<A>` and `PlaybackDefer<A>`, the nested proxies for a
/// `Playback` inside actor `A` (the same methods, getters, setters and trait impls as an
/// actor's proxy, see [`actor`](macro@crate::actor); `attr_path()` gives the path from the
/// actor), `PlaybackMessage` and `PlaybackCall` (the message enums), and an impl of
/// [`Traversable`], which names the nested proxy type. Calls through a
/// nested proxy run on the actor's thread, on the field the path leads to.
///
/// # Options, attributes and reserved names
///
/// As for [`actor`](macro@crate::actor): `#[proxy(skip)]` and `#[proxy(rename = "name")]` on
/// fields and methods, `#[traversable]` on fields (to go deeper), the same forwarded
/// attributes (`#[cfg]`, `#[allow]`, `#[deprecated]`, docs), the same treatment of `Self` in
/// signatures, the same reserved names, and the same errors.
///
/// # What is rejected, and why
///
/// Besides everything [`actor`](macro@crate::actor) rejects:
///
/// - a generic type: it can be reached from any actor, and its nested proxy is already
///   generic over that actor;
/// - a method taking `&Context<..>`: the context belongs to the actor, not to a field (use
///   `ctx.proxy().playback()` from the actor's own methods);
/// - `#[traversable]` on a field that is not `pub`, or whose type lacks the attribute.
#[cfg(feature = "macros")]
#[doc(inline)]
pub use pykka_macros::traversable;

pub mod manual;

/// Items used by the code `#[actor]` and `#[traversable]` generate. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use pykka_core::__private::*;
}
