//! Inputs `#[actor]` must accept: attributes forwarded to what it generates, `Self` in
//! signatures, arguments named like generated locals, a user type named `Context`, and an
//! impl block naming its type by path.
#![deny(warnings)]

use pykka::{actor, Actor};

mod audio {
    use pykka::{actor, Actor};

    #[actor]
    #[derive(Clone)]
    #[allow(non_snake_case)]
    pub struct Mixer {
        pub level: u8,
        #[cfg(any())]
        pub gone: NoSuchType,
        #[allow(non_snake_case)]
        pub Gain: u8,
        #[deprecated = "use `level`"]
        pub volume: u8,
    }

    impl Actor for Mixer {
        type Message = ();
        type Reply = ();
    }
}

#[actor]
impl audio::Mixer {
    #[allow(deprecated)]
    pub fn merge(&self, other: Self) -> Self {
        let volume = self.volume;
        audio::Mixer { level: self.level.max(other.level), Gain: self.Gain, volume }
    }

    #[cfg(any())]
    pub fn gone(&self, _x: NoSuchType) {}

    #[cfg(all())]
    pub fn here(&self) -> u8 {
        self.level
    }

    #[cfg(unix)]
    pub fn platform(&self) -> &'static str {
        "unix"
    }

    #[cfg(not(unix))]
    pub fn platform(&self) -> &'static str {
        "other"
    }

    #[deprecated = "use `here`"]
    pub fn old(&self) -> u8 {
        self.level
    }

    #[allow(non_snake_case)]
    pub fn Loud(&self) -> bool {
        self.level > 10
    }

    pub fn locals(&self, __pykka_reply: u8, __pykka_future: u8, __pykka_target: u8, value: u8) -> u8 {
        __pykka_reply + __pykka_future + __pykka_target + value
    }

    pub fn with_own_context(&self, ctx: &'static Context, owned: Context) -> u8 {
        ctx.0 + owned.0
    }
}

pub struct Context(pub u8);

/// A tuple struct whose `pub` field is explicitly left off the proxy.
#[actor]
pub struct Tally(#[proxy(skip)] pub u32);

impl Actor for Tally {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Tally {
    pub fn count(&self) -> u32 {
        self.0
    }
}

fn main() {
    #[allow(deprecated)]
    let mixer = audio::Mixer { level: 1, Gain: 2, volume: 3 };
    let proxy = mixer.start().proxy().unwrap();
    let _ = proxy.Gain();
    let _ = proxy.Loud();
    let _ = proxy.here();
    let _ = proxy.platform();
    let _ = proxy.locals(1, 2, 3, 4);
    static CONTEXT: Context = Context(3);
    let _ = proxy.with_own_context(&CONTEXT, Context(4));
    proxy.actor_ref().stop();
}
