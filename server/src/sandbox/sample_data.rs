//! Fixed sample data for the sandboxes. Names, e-mail addresses and devices are invented;
//! field names and value formats follow the providers' documented responses.

/// A FitRankings member. Every sample member has authorised the demo app.
pub struct FrUser {
    pub id: u64,
    pub email: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub handle: &'static str,
    pub date_joined: &'static str,
    pub gender: &'static str,
    pub city: &'static str,
    pub country: &'static str,
}

/// A FitRankings activity. Decimal quantities are kept in ten-thousandths so they can be
/// rendered exactly the way the API does (`"16009.3440"`), as strings.
pub struct FrActivity {
    pub id: u64,
    pub user_id: u64,
    pub title: &'static str,
    pub description: &'static str,
    pub met_minutes: i64,
    /// Metres.
    pub distance: i64,
    /// Seconds.
    pub duration: i64,
    pub steps: u64,
    pub calories: i64,
    pub provider_key: &'static str,
    pub provider_activity_id: &'static str,
    pub activity_type: &'static str,
    pub fitness_type: &'static str,
    pub action_date: &'static str,
    pub is_manual_entry: bool,
    pub like_count: u64,
}

/// Renders ten-thousandths as the provider's four-decimal string.
pub fn decimal4(ten_thousandths: i64) -> String {
    let sign = if ten_thousandths < 0 { "-" } else { "" };
    let v = ten_thousandths.unsigned_abs();
    format!("{sign}{}.{:04}", v / 10_000, v % 10_000)
}

const fn d4(units: i64, frac: i64) -> i64 {
    units * 10_000 + frac
}

pub const FR_USERS: &[FrUser] = &[
    FrUser {
        id: 1042,
        email: "ana.novak@example.com",
        first_name: "Ana",
        last_name: "Novak",
        handle: "ana_runs",
        date_joined: "2023-03-14T09:21:44Z",
        gender: "F",
        city: "Ljubljana",
        country: "SI",
    },
    FrUser {
        id: 1043,
        email: "ben.okafor@example.com",
        first_name: "Ben",
        last_name: "Okafor",
        handle: "benrides",
        date_joined: "2023-07-02T17:05:10Z",
        gender: "M",
        city: "Leeds",
        country: "GB",
    },
    FrUser {
        id: 1044,
        email: "chloe.martin@example.com",
        first_name: "Chloé",
        last_name: "Martin",
        handle: "chloe.swims",
        date_joined: "2024-01-20T06:48:31Z",
        gender: "F",
        city: "Lyon",
        country: "FR",
    },
];

pub const FR_ACTIVITIES: &[FrActivity] = &[
    FrActivity {
        id: 88_120,
        user_id: 1042,
        title: "Morning run",
        description: "Easy loop around Tivoli park",
        met_minutes: d4(412, 5000),
        distance: d4(8_204, 1200),
        duration: d4(2_790, 0),
        steps: 8_930,
        calories: d4(512, 0),
        provider_key: "garmin",
        provider_activity_id: "g-11839402211",
        activity_type: "1",
        fitness_type: "2",
        action_date: "2025-05-12T05:42:00Z",
        is_manual_entry: false,
        like_count: 3,
    },
    FrActivity {
        id: 88_161,
        user_id: 1042,
        title: "Intervals 6x800m",
        description: "Track session",
        met_minutes: d4(389, 2500),
        distance: d4(7_010, 4400),
        duration: d4(2_460, 0),
        steps: 7_702,
        calories: d4(468, 0),
        provider_key: "garmin",
        provider_activity_id: "g-11852017730",
        activity_type: "1",
        fitness_type: "2",
        action_date: "2025-05-14T17:10:00Z",
        is_manual_entry: false,
        like_count: 5,
    },
    FrActivity {
        id: 88_240,
        user_id: 1042,
        title: "Long run",
        description: "",
        met_minutes: d4(975, 0),
        distance: d4(18_342, 9000),
        duration: d4(6_480, 0),
        steps: 19_455,
        calories: d4(1_187, 0),
        provider_key: "garmin",
        provider_activity_id: "g-11890544002",
        activity_type: "1",
        fitness_type: "2",
        action_date: "2025-05-18T06:30:00Z",
        is_manual_entry: false,
        like_count: 9,
    },
    FrActivity {
        id: 88_302,
        user_id: 1042,
        title: "Yoga",
        description: "Entered by hand",
        met_minutes: d4(150, 0),
        distance: d4(0, 0),
        duration: d4(3_600, 0),
        steps: 0,
        calories: d4(180, 0),
        provider_key: "manual",
        provider_activity_id: "",
        activity_type: "7",
        fitness_type: "1",
        action_date: "2025-06-02T18:00:00Z",
        is_manual_entry: true,
        like_count: 0,
    },
    FrActivity {
        id: 88_131,
        user_id: 1043,
        title: "Commute ride",
        description: "Headingley to the office",
        met_minutes: d4(168, 0),
        distance: d4(9_655, 2000),
        duration: d4(1_680, 0),
        steps: 0,
        calories: d4(301, 0),
        provider_key: "fitbit",
        provider_activity_id: "fb-51284739921",
        activity_type: "2",
        fitness_type: "2",
        action_date: "2025-05-13T07:55:00Z",
        is_manual_entry: false,
        like_count: 1,
    },
    FrActivity {
        id: 88_199,
        user_id: 1043,
        title: "Dales loop",
        description: "Windy one",
        met_minutes: d4(1_020, 7500),
        distance: d4(64_373, 7600),
        duration: d4(10_860, 0),
        steps: 0,
        calories: d4(1_905, 0),
        provider_key: "fitbit",
        provider_activity_id: "fb-51311020345",
        activity_type: "2",
        fitness_type: "2",
        action_date: "2025-05-17T09:15:00Z",
        is_manual_entry: false,
        like_count: 12,
    },
    FrActivity {
        id: 88_277,
        user_id: 1043,
        title: "Walk",
        description: "",
        met_minutes: d4(23, 0),
        distance: d4(16_009, 3440),
        duration: d4(600, 0),
        steps: 2_210,
        calories: d4(22, 0),
        provider_key: "fitbit",
        provider_activity_id: "fb-51355881230",
        activity_type: "3",
        fitness_type: "1",
        action_date: "2025-05-28T12:00:00Z",
        is_manual_entry: false,
        like_count: 0,
    },
    FrActivity {
        id: 88_145,
        user_id: 1044,
        title: "Pool swim",
        description: "2 km freestyle",
        met_minutes: d4(420, 0),
        distance: d4(2_000, 0),
        duration: d4(2_940, 0),
        steps: 0,
        calories: d4(455, 0),
        provider_key: "polar",
        provider_activity_id: "p-7731920",
        activity_type: "5",
        fitness_type: "2",
        action_date: "2025-05-15T06:10:00Z",
        is_manual_entry: false,
        like_count: 4,
    },
    FrActivity {
        id: 88_266,
        user_id: 1044,
        title: "Rowing machine",
        description: "",
        met_minutes: d4(256, 6670),
        distance: d4(5_000, 0),
        duration: d4(1_330, 0),
        steps: 0,
        calories: d4(310, 0),
        provider_key: "googlefit",
        provider_activity_id: "gf-3f9a1c20",
        activity_type: "6",
        fitness_type: "2",
        action_date: "2025-05-26T19:30:00Z",
        is_manual_entry: false,
        like_count: 2,
    },
];

/// A FitBark user.
pub struct FbUser {
    /// Doorkeeper's `resource_owner_id`.
    pub id: u64,
    pub slug: &'static str,
    pub username: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub picture_hash: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Relation {
    Owner,
    Friend,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Owner => "OWNER",
            Relation::Friend => "FRIEND",
        }
    }
}

pub struct FbDog {
    pub slug: &'static str,
    pub name: &'static str,
    pub bluetooth_id: &'static str,
    pub birth: &'static str,
    pub breed_id: u64,
    pub breed: &'static str,
    pub gender: &'static str,
    pub weight: f64,
    pub weight_unit: &'static str,
    /// Seconds east of UTC; the dog's local day is what activity series are counted in.
    pub tzoffset: i64,
    pub tzname: &'static str,
    pub daily_goal: u64,
    pub battery_level: u64,
    pub picture_hash: &'static str,
    pub neutered: bool,
}

pub struct FbRelation {
    pub id: u64,
    pub user_id: u64,
    pub dog_slug: &'static str,
    pub status: Relation,
    pub date: &'static str,
}

pub const FB_USER: FbUser = FbUser {
    id: 365,
    slug: "5b1d9c0e-7a3f-4e21-9c57-2f8e4b6a1d03",
    username: "jane.doe@example.com",
    first_name: "Jane",
    last_name: "Doe",
    picture_hash: "a41f0c2e9b7d",
};

pub const FB_DOGS: &[FbDog] = &[
    FbDog {
        slug: "c9e4b7a2-1f3d-4b8e-a6c5-0d2f9e8b7a61",
        name: "Biscuit",
        bluetooth_id: "e3f1a2b4c5d6",
        birth: "2019-04-02",
        breed_id: 240,
        breed: "Labrador Retriever",
        gender: "M",
        weight: 31.5,
        weight_unit: "kg",
        tzoffset: -18_000,
        tzname: "America/New_York",
        daily_goal: 21_000,
        battery_level: 82,
        picture_hash: "3c0f9b2d1e77",
        neutered: true,
    },
    FbDog {
        slug: "1a7d3e5f-9b2c-4d6e-8f01-a3b5c7d9e2f4",
        name: "Luna",
        bluetooth_id: "a9b8c7d6e5f4",
        birth: "2021-09-15",
        breed_id: 61,
        breed: "Border Collie",
        gender: "F",
        weight: 17.2,
        weight_unit: "kg",
        tzoffset: -18_000,
        tzname: "America/New_York",
        daily_goal: 28_000,
        battery_level: 47,
        picture_hash: "9d2a7e41c0b3",
        neutered: false,
    },
    FbDog {
        slug: "7f2e8d1c-4b6a-4c3e-9d5f-b1a2c3d4e5f6",
        name: "Pepper",
        bluetooth_id: "0f1e2d3c4b5a",
        birth: "2018-01-28",
        breed_id: 27,
        breed: "Beagle",
        gender: "F",
        weight: 24.0,
        weight_unit: "lbs",
        tzoffset: 3_600,
        tzname: "Europe/Berlin",
        daily_goal: 18_000,
        battery_level: 95,
        picture_hash: "",
        neutered: true,
    },
];

pub const FB_RELATIONS: &[FbRelation] = &[
    FbRelation {
        id: 9_120,
        user_id: 365,
        dog_slug: "c9e4b7a2-1f3d-4b8e-a6c5-0d2f9e8b7a61",
        status: Relation::Owner,
        date: "2019-06-11T14:02:37.000Z",
    },
    FbRelation {
        id: 11_408,
        user_id: 365,
        dog_slug: "1a7d3e5f-9b2c-4d6e-8f01-a3b5c7d9e2f4",
        status: Relation::Owner,
        date: "2021-12-03T10:45:12.000Z",
    },
    FbRelation {
        id: 12_733,
        user_id: 365,
        dog_slug: "7f2e8d1c-4b6a-4c3e-9d5f-b1a2c3d4e5f6",
        status: Relation::Friend,
        date: "2022-05-20T19:31:05.000Z",
    },
];

/// A small JPEG (a paw print) shown as every dog's picture.
pub const DOG_PICTURE_BASE64: &str = include_str!("dog_picture.jpg.b64");

/// SplitMix64: a fixed, well-mixed function of the seed, so series are deterministic.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_render_like_the_api() {
        assert_eq!(decimal4(d4(16_009, 3440)), "16009.3440");
        assert_eq!(decimal4(d4(23, 0)), "23.0000");
        assert_eq!(decimal4(-5), "-0.0005");
    }

    #[test]
    fn every_activity_and_relation_points_at_known_data() {
        for a in FR_ACTIVITIES {
            assert!(FR_USERS.iter().any(|u| u.id == a.user_id));
        }
        for r in FB_RELATIONS {
            assert!(FB_DOGS.iter().any(|d| d.slug == r.dog_slug));
        }
    }
}
