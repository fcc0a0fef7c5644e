use pykka::{actor, traversable, Actor};

#[traversable]
pub struct Playback;

#[traversable]
impl Playback {}

#[actor]
pub struct Player {
    #[traversable]
    playback: Playback,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {}
