//! FitBark's sample dogs as the API shows them, and their activity: a fixed function of dog,
//! day and hour, so a series asked for twice is the same without storing anything.

use serde_json::{json, Value};

use super::dates::{format_date, format_timestamp_millis, parse_date};
use super::sample_data::{mix, FbDog, Relation};

/// Friends of a dog see only its last 30 days.
const FRIEND_DAYS: i64 = 30;

/// `{"dog": ...}` content, with today's activity as seen at `now` (seconds).
pub fn dog_json(dog: &FbDog, now: i64) -> Value {
    let local_now = now + dog.tzoffset;
    let today = day_record(dog, local_now.div_euclid(86_400));
    json!({
        "slug": dog.slug,
        "name": dog.name,
        "bluetooth_id": dog.bluetooth_id,
        // FitBark sends some numbers as strings; this is one of them.
        "activity_value": format!("{}.0", today.activity_value),
        "birth": dog.birth,
        "breed1": { "id": dog.breed_id, "name": dog.breed },
        "breed2": null,
        "gender": dog.gender,
        "weight": dog.weight,
        "weight_unit": dog.weight_unit,
        "country": "US",
        "zip": "",
        "tzoffset": dog.tzoffset,
        "tzname": dog.tzname,
        "min_play": today.min_play,
        "min_active": today.min_active,
        "min_rest": today.min_rest,
        "medical_conditions": [],
        "hourly_average": dog.daily_goal / 24,
        "picture_hash": dog.picture_hash,
        "neutered": dog.neutered,
        "last_min_time": format_timestamp_millis(now - now.rem_euclid(60)),
        "last_min_activity": 0,
        "daily_goal": dog.daily_goal,
        "battery_level": dog.battery_level,
        "last_sync": format_timestamp_millis(now - now.rem_euclid(900)),
    })
}

#[derive(Clone, Copy, Debug)]
struct Record {
    activity_value: u64,
    min_play: u64,
    min_active: u64,
    min_rest: u64,
}

fn dog_seed(dog: &FbDog) -> u64 {
    // FNV-1a over the slug.
    dog.slug.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

fn day_record(dog: &FbDog, day: i64) -> Record {
    let r = mix(dog_seed(dog) ^ (day as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let min_play = 25 + r % 90;
    let min_active = 150 + (r >> 8) % 220;
    Record {
        activity_value: min_play * 95 + min_active * 38 + (r >> 20) % 1500,
        min_play,
        min_active,
        min_rest: 1440 - min_play - min_active,
    }
}

fn hour_record(dog: &FbDog, day: i64, hour: i64) -> Record {
    let r = mix(dog_seed(dog) ^ ((day * 24 + hour) as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    // Dogs sleep at night.
    let (min_play, min_active) = if (7..22).contains(&hour) {
        (r % 9, 6 + (r >> 8) % 25)
    } else {
        (0, (r >> 8) % 4)
    };
    Record {
        activity_value: min_play * 95 + min_active * 38 + (r >> 20) % 60,
        min_play,
        min_active,
        min_rest: 60 - min_play - min_active,
    }
}

/// The `activity_series` records of `dog` for the local dates `from..=to`, as seen at `now`
/// (seconds) by someone with `status` to the dog.
pub fn series_records(
    dog: &FbDog,
    status: Relation,
    from: i64,
    to: i64,
    hourly: bool,
    now: i64,
) -> Vec<Value> {
    // Dates are the dog's local dates; nothing is recorded before birth or after now.
    let local_now = now + dog.tzoffset;
    let today = local_now.div_euclid(86_400);
    let current_hour = local_now.rem_euclid(86_400) / 3600;
    let mut first = from.max(parse_date(dog.birth).unwrap_or(from));
    if status == Relation::Friend {
        first = first.max(today - (FRIEND_DAYS - 1));
    }
    let last = to.min(today);
    let mut records = Vec::new();
    for day in first..=last {
        if hourly {
            let last_hour = if day == today { current_hour } else { 23 };
            for hour in 0..=last_hour {
                let r = hour_record(dog, day, hour);
                records.push(json!({
                    "date": format!("{} {:02}:00:00", format_date(day), hour),
                    "activity_value": r.activity_value,
                    "min_play": r.min_play,
                    "min_active": r.min_active,
                    "min_rest": r.min_rest,
                    "daily_target": dog.daily_goal / 24,
                    "has_trophy": 0,
                }));
            }
        } else {
            let r = day_record(dog, day);
            records.push(json!({
                "date": format_date(day),
                "activity_value": r.activity_value,
                "min_play": r.min_play,
                "min_active": r.min_active,
                "min_rest": r.min_rest,
                "daily_target": dog.daily_goal,
                "has_trophy": u8::from(r.activity_value >= dog.daily_goal),
            }));
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::sample_data::FB_DOGS;

    #[test]
    fn series_are_deterministic_and_consistent() {
        let dog = &FB_DOGS[0];
        let a = day_record(dog, 20_000);
        let b = day_record(dog, 20_000);
        assert_eq!(a.activity_value, b.activity_value);
        assert_eq!(a.min_play + a.min_active + a.min_rest, 1440);
        for hour in 0..24 {
            let h = hour_record(dog, 20_000, hour);
            assert_eq!(h.min_play + h.min_active + h.min_rest, 60);
        }
    }
}
