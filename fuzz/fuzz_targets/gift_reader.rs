//! GIFT reader: any text either reads or is refused with errors, never panics or grows memory
//! without bound, and whatever reads round-trips through both writers.

#![no_main]

use genomics_training::questions::parse_gift;
use genomics_training_fuzz::assert_round_trips;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(questions) = parse_gift(source, "fuzz.gift") {
        assert_round_trips(&questions, true);
    }
});
