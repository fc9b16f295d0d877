//! Moodle XML reader: any text either reads or is refused with errors, never panics or grows
//! memory without bound (deep nesting included), and a bank that reads writes back to an
//! equal bank.

#![no_main]

use genomics_training::questions::{parse_moodle_xml_bank, write_moodle_xml_bank};
use genomics_training_fuzz::assert_round_trips;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bank) = parse_moodle_xml_bank(source, "fuzz.xml") else {
        return;
    };
    let xml = write_moodle_xml_bank(&bank);
    let again = parse_moodle_xml_bank(&xml, "again.xml")
        .unwrap_or_else(|e| panic!("written bank does not read:\n{xml}\n{e:#?}"));
    assert_eq!(bank, again, "bank round trip:\n{xml}");
    assert_round_trips(&bank.questions, false);
});
