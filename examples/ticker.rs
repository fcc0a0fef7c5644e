//! A ticker: an actor that polls a source on its own, every interval, until paused, resumed
//! or stopped. Pykka's issue #44 (an actor reading a camera's frames as they come) needs no
//! thread of its own, no loop of self-sent messages and no generation counter: one timer.
//!
//! ```text
//! cargo run -p examples --example ticker
//! ```
//!
//! The actor's fixed-rate timer, keyed `"poll"`, is started in `on_start`, cancelled by
//! `pause()` and started again by `resume()`; the stop cancels it. The registry runs on a
//! [`ManualClock`], so the demo advances time instead of sleeping and prints the same
//! every run: with real time (`ActorRegistry::new()`) the code is the same.

use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, ManualClock, actor};

/// How often the camera is polled.
const INTERVAL: Duration = Duration::from_millis(100);

/// The source: a camera whose frames are numbered.
#[derive(Debug, Default)]
pub struct Camera {
    next: u32,
}

impl Camera {
    /// Captures the next frame.
    fn capture(&mut self) -> u32 {
        self.next += 1;
        self.next
    }
}

/// Polls its camera every [`INTERVAL`] while it is not paused.
#[actor]
#[derive(Debug, Default)]
pub struct Poller {
    camera: Camera,
    /// The frames polled so far.
    pub frames: Vec<u32>,
}

impl Poller {
    fn poll(&mut self) {
        let frame = self.camera.capture();
        self.frames.push(frame);
    }

    fn start_polling(ctx: &Context<Self>) {
        // A typed call on the actor, compile-checked; a fixed rate skips the ticks missed
        // while the actor was busy instead of bursting.
        ctx.timers()
            .start_fixed_rate_with("poll", INTERVAL, |poller: &mut Poller, _ctx| poller.poll());
    }
}

impl Actor for Poller {
    type Message = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &Context<Self>) {
        Self::start_polling(ctx);
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        println!("Poller stopped after {} frames", self.frames.len());
    }
}

#[actor]
impl Poller {
    /// Stops polling; returns whether it was polling.
    pub fn pause(&mut self, ctx: &Context<Self>) -> bool {
        ctx.timers().cancel(&"poll")
    }

    /// Polls again, from one interval from now.
    pub fn resume(&mut self, ctx: &Context<Self>) {
        Self::start_polling(ctx);
    }

    /// Returns whether the poller is polling.
    pub fn polling(&self, ctx: &Context<Self>) -> bool {
        ctx.timers().is_active(&"poll")
    }
}

fn main() -> pykka::Result<()> {
    let clock = ManualClock::new();
    let registry = ActorRegistry::with_clock(clock.clone());
    let poller = Poller::default().start_in(&registry);
    let proxy = poller.proxy()?;

    // Moves the clock one interval at a time; the ask after each advance reaches the poller
    // behind the tick that came due, so every tick is seen (a single long advance would
    // fire one tick: a fixed rate skips missed ticks).
    let run_for = |intervals: u32| -> pykka::Result<()> {
        for _ in 0..intervals {
            clock.advance(INTERVAL);
            proxy.polling().get()?;
        }
        Ok(())
    };
    println!("polling: {}", proxy.polling().get()?);
    run_for(5)?;
    println!("after 500 ms: frames {:?}", proxy.frames().get()?);

    println!("paused: {}", proxy.pause().get()?);
    run_for(3)?;
    let frames = proxy.frames().get()?;
    println!(
        "300 ms later: {} frames, polling: {}",
        frames.len(),
        proxy.polling().get()?
    );

    proxy.resume().get()?;
    run_for(2)?;
    println!("resumed for 200 ms: frames {:?}", proxy.frames().get()?);

    poller.stop();
    clock.advance(INTERVAL * 10);
    println!("stopped: alive {}", poller.is_alive());
    registry.stop_all();
    Ok(())
}
