//! The `#[actor]` and `#[traversable]` attribute macros of pykka; use them through the
//! `pykka` crate.
//!
//! # `#[actor]`
//!
//! Put it on an actor's struct **and** on one inherent `impl` block of it (which may be
//! empty). Next to your code it generates, for `struct Calculator`:
//!
//! - `CalculatorProxy`: the typed proxy, from [`ActorRef::proxy`]. Every `pub fn` of the impl
//!   block taking `&self` or `&mut self` becomes a proxy method with the same name, arguments
//!   and docs, returning `Future<R>` (ask semantics). Every `pub` (or `pub(crate)`, …) field `x` gets `x()` (a
//!   `Future` of a clone of its value) and `set_x(v)` (a `Future<()>` set once written).
//!   `proxy.defer()` gives `CalculatorDefer`, the same methods and setters without a reply
//!   (Pykka's `defer`, tell semantics).
//! - `CalculatorMessage` (fields and a `Call` variant) and `CalculatorCall` (one variant per
//!   method): the messages the proxy sends (Pykka's `ProxyGetAttr`, `ProxySetAttr`,
//!   `ProxyCall`), which you can also `ActorRef::send` yourself.
//!
//! Private (no `pub`) methods and fields are not exposed, and accessors take their visibility; associated functions without `self` are left
//! alone. A method may take a `&Context<Self>` argument anywhere in its list: the proxy does
//! not show it, and the runtime passes the actor's context. Mark a `pub` field
//! `#[traversable]` to reach it through a nested proxy (`proxy.playback().play()`), whose type
//! carries `#[pykka::traversable]`.
//!
//! ```
//! use pykka::{actor, Actor};
//!
//! #[actor]
//! pub struct Calculator {
//!     /// The running total.
//!     pub total: i64,
//! }
//!
//! impl Actor for Calculator {
//!     type Message = ();
//!     type Reply = ();
//! }
//!
//! #[actor]
//! impl Calculator {
//!     /// Adds `x` to the total and returns the new total.
//!     pub fn add(&mut self, x: i64) -> i64 {
//!         self.total += x;
//!         self.total
//!     }
//! }
//!
//! let proxy = Calculator { total: 0 }.start().proxy().unwrap();
//! assert_eq!(proxy.add(2).get().unwrap(), 2);
//! proxy.defer().add(3).unwrap();
//! assert_eq!(proxy.total().get().unwrap(), 5);
//! proxy.set_total(10).get().unwrap();
//! assert_eq!(proxy.add(1).get().unwrap(), 11);
//! proxy.actor_ref().stop();
//! ```
//!
//! What it expands to, in outline:
//!
//! ```text
//! pub struct CalculatorProxy { base: ProxyBase<Calculator, Calculator> }   // + Defer twin
//! pub enum CalculatorMessage { Call(CalculatorCall), GetTotal { reply }, SetTotal { value, reply } }
//! pub enum CalculatorCall { Add { x: i64, reply: Reply<i64> } }
//! impl Dispatch<Calculator> for CalculatorMessage / CalculatorCall { ... }
//! impl CalculatorProxy { pub fn add(&self, x: i64) -> Future<i64>; pub fn total(&self) -> Future<i64>; ... }
//! impl Proxied for Calculator { type Proxy = CalculatorProxy; }
//! ```
//!
//! Not supported, each a compile error at your code: generic methods, `async fn`, `unsafe fn`,
//! `self` by value, reference or `impl Trait` arguments and return types, argument, return and
//! `pub` field types that are not `Send`, names that collide with the proxy's own methods or
//! with each other, macro calls in the impl block, `pub` tuple-struct fields, and the
//! attribute on an enum, trait or function (a trait impl only when the trait is an
//! `#[interface]`). `#[proxy(skip)]` and `#[proxy(rename = "...")]`
//! on a field or method keep it off the proxy or give the proxy another name for it.
//!
//! The full reference (every option, every generated item, the reserved names, what is
//! rejected and why) is on the `pykka::actor` and `pykka::traversable` pages of the `pykka`
//! crate.
//!
//! ```compile_fail
//! #[pykka::actor]
//! pub struct Bad;
//! impl pykka::Actor for Bad { type Message = (); type Reply = (); }
//! #[pykka::actor]
//! impl Bad {
//!     pub fn borrow(&self, s: &str) {} // error: arguments cross threads; use an owned type
//! }
//! ```
//!
//! # `#[traversable]`
//!
//! Put it on a type and its `impl` block to make its `pub` methods and fields reachable from
//! an actor's proxy through a `#[traversable]` field; it generates `PlaybackProxy<A>` (for a
//! path inside actor `A`), `PlaybackMessage`, `PlaybackCall` and `PlaybackDefer<A>`. Traversable
//! types cannot be generic, and their methods cannot take a `&Context`.
//!
//! A method of a traversable type marked `#[proxy(actor)]`, whose first argument is the actor
//! (`fn next(core: &mut Core)`), is on the nested proxies inside that actor only, and runs on the
//! whole actor in one message (a controller reaching its sibling controllers).
//!
//! # `#[interface]`
//!
//! Put it on a trait to call actors of different types through one typed proxy: it generates
//! `BackendProxy` and `BackendDefer` (the trait's methods in ask and tell form), a hidden call
//! table, and `impl Interface for dyn Backend`. `#[actor]` on an actor's `impl Backend for
//! Local` makes `Local` implement it (and checks that `Actor::INTERFACES` lists it, for
//! registry lookups by interface).
//!
//! [`ActorRef::proxy`]: https://docs.rs/pykka/latest/pykka/struct.ActorRef.html#method.proxy

mod args;
mod ast;
mod attr;
mod check;
mod codegen;
mod ctxt;
mod expand;
mod names;

use proc_macro::TokenStream;

use crate::ast::Kind;

/// (`#[actor]` is implemented in the `pykka-macros` crate; use it as `pykka::actor`.)
#[proc_macro_attribute]
pub fn actor(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Actor, args.into(), input.into()).into()
}

/// (`#[traversable]` is implemented in the `pykka-macros` crate; use it as
/// `pykka::traversable`.)
#[proc_macro_attribute]
pub fn traversable(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Traversable, args.into(), input.into()).into()
}

/// (`#[interface]` is implemented in the `pykka-macros` crate; use it as `pykka::interface`.)
#[proc_macro_attribute]
pub fn interface(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Interface, args.into(), input.into()).into()
}
