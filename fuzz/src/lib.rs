//! What the fuzz targets share: the round trip the question writers promise, and lookups for
//! the people CSV check.

use genomics_training::accounts::import_check::Lookups;
use genomics_training::questions::{
    Question, gift_can_write, parse_gift, parse_moodle_xml, write_gift, write_moodle_xml,
};

/// Questions that were read write back as Moodle XML, and as GIFT when they came from GIFT
/// and GIFT can carry them, and read again to equal questions (the writers' documented
/// promise). Questions read from XML are also written as GIFT and read, for panics only:
/// GIFT cannot carry everything XML can.
pub fn assert_round_trips(questions: &[Question], from_gift: bool) {
    let writable = questions.iter().all(gift_can_write);
    let gift = write_gift(questions);
    let again = parse_gift(&gift, "again.gift");
    if from_gift && writable {
        let again = again.unwrap_or_else(|e| panic!("written GIFT does not read:\n{gift}\n{e:#?}"));
        assert_eq!(questions, again.as_slice(), "GIFT round trip:\n{gift}");
    }
    let xml = write_moodle_xml(questions);
    let again = parse_moodle_xml(&xml, "again.xml")
        .unwrap_or_else(|e| panic!("written XML does not read:\n{xml}\n{e:#?}"));
    assert_eq!(questions, again.as_slice(), "XML round trip:\n{xml}");
}

/// Two organisations, two staff groups and a job role in each, so that rows from the seeds
/// can pass and mutated ones fail in every way.
pub fn lookups() -> Lookups {
    let mut lookups = Lookups::default();
    lookups.add_organisation("RX1", 1);
    lookups.add_organisation("RYJ", 2);
    lookups.add_staff_group("admin", "Administrative and Clerical", 1);
    lookups.add_job_role(1, "receptionist", "Receptionist", 7);
    lookups.add_staff_group("nursing", "Nursing and Midwifery", 2);
    lookups.add_job_role(2, "nurse", "Nurse", 8);
    lookups
}
