use pykka::{traversable, Actor, Context};

pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[traversable]
pub struct Playback;

#[traversable]
impl Playback {
    pub fn play(&self, ctx: &Context<Player>) {
        ctx.stop();
    }
}

fn main() {}
