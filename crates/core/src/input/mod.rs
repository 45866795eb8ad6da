//! Bytes to records: [`container`] recognises gzip/zip by magic bytes and
//! inflates within limits; [`formats`] recognises what the text holds and
//! walks it record by record, using [`scan`] to skip and resynchronise and
//! [`record`] to decode ([`eventscan`] first, the quick path for the common
//! case); [`identity`] resolves who acted; [`split`] cuts a big uncompressed
//! text into parts at record boundaries; [`fingerprint`] names a file by its
//! content; [`bounded`] reads lists that stop at a limit.

pub mod bounded;
pub mod container;
pub mod eventscan;
pub mod fingerprint;
pub mod formats;
pub mod identity;
pub mod record;
pub mod scan;
pub mod split;
