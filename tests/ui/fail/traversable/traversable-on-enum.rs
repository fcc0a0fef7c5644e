use pykka::traversable;

#[traversable]
pub enum Playback {
    Playing,
    Paused,
}

fn main() {}
