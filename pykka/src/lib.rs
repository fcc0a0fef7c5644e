//! Pykka's actor model in Rust.
#![doc = include_str!("../README.md")]

pub use pykka_core::{
    Actor, ActorId, ActorRef, ActorRegistry, AnyActorRef, Backoff, ChildSpec, Clock, CloneValue, Context,
    DEFAULT_MAX_THREADS, Dispatch, Error, Failure, Future, FutureAwait, Implementation, Implements, Interface,
    ManualClock, Pool, PoolBuilder, Promise, Proxied, Reply, Restart, RestartPolicy, Result, Runtime, Strategy,
    Supervisor, SupervisorSpec, Termination, TimerHandle, Timers, Traversable, TryTellError, Unhandled, actor_threads,
    blocking, debug, get_all, get_all_settled, interfaces, max_actor_threads, quiet_handled_panics,
    set_max_actor_threads,
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
/// On an actor's impl of an interface (`#[actor] impl Backend for Local`, the trait marked
/// [`#[interface]`](macro@crate::interface)), it generates no proxy methods (the trait's
/// methods are on the interface proxy, `BackendProxy`): it makes `Local` implement
/// [`Implements<dyn Backend>`](crate::Implements), so that its references convert into
/// `BackendProxy`, and checks at compile time that `Local` lists `Backend` in its
/// [`Actor::INTERFACES`].
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
/// - `#[proxy(actor)]` applies only to methods of a [`traversable`](macro@crate::traversable)
///   impl block (see there: a controller method given its whole actor).
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
/// - the attribute on an enum, a trait (use [`interface`](macro@crate::interface)), a trait
///   impl other than an actor's impl of an interface (`impl Actor` included), a generic
///   interface impl, or a function, or with arguments;
/// - an interface implemented with `#[actor]` but not listed in the actor's
///   [`Actor::INTERFACES`], or listed there but not implemented with `#[actor]`;
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
/// # Methods given their actor: `#[proxy(actor)]`
///
/// A controller method that must use the actor's other fields and controllers within the same
/// message (Mopidy's `self.core.tracklist` inside `core.playback.next()`) is an associated
/// function of the traversable type marked `#[proxy(actor)]`, whose first argument is the actor:
/// `fn next(core: &mut Core) -> Option<Track>` (or `core: &Core`; a `&Context<Core>` may
/// follow). It is generated on the nested proxies inside that actor type only,
/// `PlaybackProxy<Core>` and `PlaybackDefer<Core>`, with the remaining arguments, and runs on the
/// actor itself whatever the proxy's path, with the whole actor borrowed mutably, in one
/// message:
///
/// ```
/// use pykka::{actor, traversable, Actor};
///
/// #[traversable]
/// pub struct Tracklist { pub tracks: Vec<String>, pub index: usize }
/// #[traversable]
/// impl Tracklist {}
///
/// #[traversable]
/// pub struct Playback { pub current: Option<String> }
///
/// #[traversable]
/// impl Playback {
///     /// Plays the next track of the sibling tracklist.
///     #[proxy(actor)]
///     pub fn next(core: &mut Core) -> Option<String> {
///         let track = core.tracklist.tracks.get(core.tracklist.index).cloned()?;
///         core.tracklist.index += 1;
///         core.playback.current = Some(track.clone());
///         Some(track)
///     }
/// }
///
/// #[actor]
/// pub struct Core {
///     #[traversable]
///     pub playback: Playback,
///     #[traversable]
///     pub tracklist: Tracklist,
/// }
/// impl Actor for Core { type Message = (); type Reply = (); }
/// #[actor]
/// impl Core {}
///
/// let core = Core {
///     playback: Playback { current: None },
///     tracklist: Tracklist { tracks: vec!["So What".into()], index: 0 },
/// }
/// .start()
/// .proxy()
/// .unwrap();
/// assert_eq!(core.playback().next().get().unwrap().as_deref(), Some("So What"));
/// assert_eq!(core.tracklist().index().get().unwrap(), 1);
/// core.actor_ref().stop();
/// ```
///
/// # What is rejected, and why
///
/// Besides everything [`actor`](macro@crate::actor) rejects:
///
/// - a generic type: it can be reached from any actor, and its nested proxy is already
///   generic over that actor;
/// - a method taking `&Context<..>`: the context belongs to the actor, not to a field (use
///   `ctx.proxy().playback()` from the actor's own methods, or a `#[proxy(actor)]` method);
/// - `#[proxy(actor)]` on a method taking `self`, or whose first argument is not a reference to
///   the actor, or in an `#[actor]` impl block;
/// - `#[traversable]` on a field that is not `pub`, or whose type lacks the attribute.
#[cfg(feature = "macros")]
#[doc(inline)]
pub use pykka_macros::traversable;

/// Makes a trait an *interface*: actors of different types that implement it are called
/// through one typed proxy, `{Trait}Proxy`.
///
/// This page is the reference of the attribute; the
/// [`interfaces`](crate::manual::interfaces) chapter of the manual is the tutorial, and
/// `examples/music_server.rs` the flagship example.
///
/// ```
/// use pykka::{Actor, actor, interface};
///
/// /// A music source.
/// #[interface]
/// pub trait Backend {
///     /// The tracks matching `query`.
///     fn search(&mut self, query: String) -> Vec<String>;
///
///     /// The backend's name (a default body works too).
///     fn name(&self) -> String {
///         "unnamed".to_string()
///     }
/// }
///
/// #[actor]
/// pub struct Local;
/// impl Actor for Local {
///     type Message = ();
///     type Reply = ();
///     const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
/// }
/// #[actor]
/// impl Local {}
/// #[actor]
/// impl Backend for Local {
///     fn search(&mut self, query: String) -> Vec<String> {
///         vec![format!("local:{query}")]
///     }
/// }
///
/// #[actor]
/// pub struct Stream;
/// impl Actor for Stream {
///     type Message = ();
///     type Reply = ();
///     const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
/// }
/// #[actor]
/// impl Stream {}
/// #[actor]
/// impl Backend for Stream {
///     fn search(&mut self, query: String) -> Vec<String> {
///         vec![format!("stream:{query}")]
///     }
///     fn name(&self) -> String {
///         "stream".to_string()
///     }
/// }
///
/// let backends: Vec<BackendProxy> = vec![Local.start().into(), Stream.start().into()];
/// let futures: Vec<_> = backends.iter().map(|b| b.search("jazz".into())).collect();
/// let found = pykka::get_all(&futures, None).unwrap();
/// assert_eq!(found, [vec!["local:jazz"], vec!["stream:jazz"]]);
/// assert_eq!(backends[0].name().get().unwrap(), "unnamed");
/// backends[1].defer().search("blues".into()).unwrap();
/// for b in &backends {
///     b.actor_ref().stop();
/// }
/// ```
///
/// # What it generates
///
/// For `trait Backend`, next to it, with the trait's visibility:
///
/// - **`BackendProxy`**: for every method of the trait, a method of the same name, arguments
///   and docs returning a [`Future`] of its result (ask semantics), like an actor's proxy;
///   `defer()` gives **`BackendDefer`**, the same methods without a reply (tell semantics,
///   returning `Result<()>`); `with_timeout(..)` gives the proxy with a default timeout, as on
///   an actor's proxy; `actor_ref()` returns the actor's [`AnyActorRef`]. It implements
///   `Clone`, `PartialEq`, `Eq`, `Hash` (by actor), `Debug` and `Display`, and is `Send + Sync`.
///   Calling a method the trait lacks does not compile.
/// - an impl of [`Interface`] for `dyn Backend`, which names the proxy, so that
///   [`ActorRef::interface::<dyn Backend>()`](crate::ActorRef::interface),
///   [`AnyActorRef::interface`], [`ActorRegistry::get_by_interface`] and
///   [`ActorRegistry::broadcast_interface`] find it;
/// - `From<ActorRef<A>> for BackendProxy` for every actor `A` implementing it;
/// - a hidden call table, `__PykkaBackendCalls`.
///
/// # Implementing it
///
/// Put `#[pykka::actor]` on the actor's `impl Backend for Local` (the actor has its own
/// `#[actor]` struct and impl block as usual, and keeps its own full proxy), and list the
/// interface in the actor's [`Actor::INTERFACES`] with [`interfaces!`]: both are checked at
/// compile time (an interface implemented but not listed, or listed but not implemented with
/// `#[actor]`, is an error), so registry lookups by interface find every implementor. One
/// actor can implement several interfaces: `interfaces![Backend, CoreListener]`. Trait methods
/// with default bodies work, and run on the actor's thread like the others.
///
/// # What is rejected, and why
///
/// Each a compile error at your code. On the trait: type or lifetime parameters, `where`
/// clauses, supertraits, associated types and consts (the proxy is one type for every
/// implementing actor, which would each choose their own), `unsafe` and auto traits, macro
/// calls among the items. On its methods, the same rules as an actor's methods (owned,
/// `Send` arguments and results, no generic, `async`, `unsafe` or variadic methods, no `self`
/// by value, the proxies' reserved names), plus: every method takes `&self` or `&mut self`, none
/// mentions `Self` in its arguments or result or takes a `&Context` (each is a different type
/// for each actor), and `#[proxy(...)]` does not apply. `#[actor]` on an impl of the trait
/// must be for a named, non-generic actor.
///
/// ```compile_fail
/// #[pykka::interface]
/// pub trait Bad {
///     fn borrow(&self, s: &str); // error: arguments cross threads; use an owned type
/// }
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use pykka_macros::interface;

pub mod manual;

/// Items used by the code `#[actor]` and `#[traversable]` generate. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use pykka_core::__private::*;
}
