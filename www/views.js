// What each card shows once connected: `load(client, config)` answers the card's data sections.
import {
  h,
  dash,
  num,
  fmtNumber,
  fmtDate,
  fmtDateTime,
  fmtMinutes,
  titleCase,
  humanize,
  fullName,
  pick,
  section,
  details,
  muted,
  dataTable,
  getJson,
  getOwnJson,
} from './ui.js';

const list = (value, key) => {
  const items = key ? value?.[key] : value;
  return Array.isArray(items) ? items : [];
};

// ---------------------------------------------------------------------------
// FitRankings
// ---------------------------------------------------------------------------

export async function loadFitRankings(client) {
  const [users, activities] = await Promise.all([
    getJson(client, '/iq/users/'),
    getJson(client, '/iq/activities/?page=1&page_size=20'),
  ]);
  // A user token only sees its own user, so the list has one entry.
  const me = Array.isArray(users) ? users[0] : users;
  const items = list(activities);

  const profile = section(
    'Profile',
    'profile',
    me
      ? details([
          ['Name', fullName(me.first_name, me.last_name, me.handle)],
          ['Handle', me.handle ? `@${me.handle}` : null],
          ['Email', me.email],
          ['Member since', me.date_joined ? fmtDate(me.date_joined) : null],
        ])
      : muted('No profile found.'),
  );

  const table = items.length
    ? dataTable(
        'Recent activities',
        [{ title: 'Activity' }, { title: 'Date' }, { title: 'Distance', num: true }, { title: 'Duration', num: true }, { title: 'Calories', num: true }],
        items.map((a) => [
          a.title || 'Activity',
          fmtDate(a.action_date),
          // Yoga and the like have no distance: a dash reads better than "0 km".
          num(a.distance) ? `${fmtNumber(num(a.distance) / 1000, 2)} km` : dash,
          num(a.duration) == null ? dash : `${fmtNumber(num(a.duration) / 60)} min`,
          num(a.calories) == null ? dash : `${fmtNumber(a.calories)} kcal`,
        ]),
      )
    : muted('No activities yet.');

  return [profile, section(`Recent activities (${items.length})`, 'activities', table)];
}

// ---------------------------------------------------------------------------
// FitBark
// ---------------------------------------------------------------------------

export async function loadFitBark(client) {
  const [me, relations] = await Promise.all([getJson(client, '/api/v2/user'), getJson(client, '/api/v2/dog_relations')]);
  const user = me?.user ?? {};
  const dogs = list(relations, 'dog_relations');

  const profile = section(
    'Profile',
    'profile',
    details([
      ['Name', user.name || fullName(user.first_name, user.last_name, user.username)],
      ['Username', user.username],
    ]),
  );

  const items = dogs.map((rel) => {
    const dog = rel.dog ?? {};
    const role = String(rel.status || '').toUpperCase();
    return h(
      'li',
      { class: 'dog', 'data-testid': 'dog' },
      h(
        'div',
        { class: 'dog-main' },
        h('strong', { class: 'dog-name' }, dog.name || 'Unnamed dog'),
        h('span', { class: `tag ${role === 'OWNER' ? 'tag-owner' : 'tag-friend'}`, title: role }, titleCase(role)),
      ),
      h('span', { class: 'dog-breed' }, dog.breed1?.name || 'Breed unknown'),
      h('span', { class: 'dog-activity' }, 'Activity ', h('strong', {}, fmtNumber(dog.activity_value))),
    );
  });

  return [
    profile,
    section(`Dogs (${dogs.length})`, 'dogs', dogs.length ? h('ul', { class: 'dogs' }, items) : muted('No dogs yet.')),
  ];
}

// ---------------------------------------------------------------------------
// PerfectGym: v1 classes with the member's token; the v2 timetable through this app's server.
// ---------------------------------------------------------------------------

const CLASSES_SHOWN = 6;
// A week holds about 70 classes; one page of v2 answers covers it.
const TIMETABLE_ROWS = 100;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
// v1 lists the whole timetable, oldest first, 100 a page: a few pages reach the coming days.
const CLASS_PAGE_SIZE = 100;
const CLASS_PAGES_MAX = 6;

// Entries still to come, soonest first.
function upcoming(items, startOf) {
  const now = Date.now();
  return items
    .map((item) => ({ item, at: new Date(startOf(item) ?? NaN).getTime() }))
    .filter((x) => Number.isFinite(x.at) && x.at >= now)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.item);
}

// A cell with a second, quieter line.
function twoLines(main, sub) {
  return sub ? [h('span', { class: 'cell-main' }, main), h('span', { class: 'cell-sub' }, sub)] : main;
}

function personName(p) {
  if (!p || typeof p !== 'object') return typeof p === 'string' ? p : null;
  return pick(p, 'name', 'displayName') || fullName(p.firstName, p.lastName, null);
}

const classStart = (c) => pick(c, 'startDate', 'startdate', 'start');

function classRow(c) {
  const type = c.classType && typeof c.classType === 'object' ? c.classType : null;
  const booked = num(pick(c, 'bookedCount', 'attendeesCount'));
  const limit = num(pick(c, 'attendeesLimit', 'limit'));
  const name = pick(c, 'name', 'className') || type?.name || 'Class';
  const title = c.isBooked ? [name, ' ', h('span', { class: 'tag tag-owner', title: 'You booked this class' }, 'Booked')] : name;
  return [
    twoLines(title, personName(pick(c, 'room', 'zone'))),
    fmtDateTime(classStart(c)),
    personName(pick(c, 'instructor', 'trainer')) || dash,
    booked != null && limit != null ? `${fmtNumber(booked)} / ${fmtNumber(limit)}` : dash,
  ];
}

// The first page with classes still to come (and the one after, when that page ends with few of them).
async function upcomingClasses(client) {
  const found = [];
  for (let page = 1; page <= CLASS_PAGES_MAX && found.length < CLASSES_SHOWN; page += 1) {
    const elements = list(await getJson(client, `/Api/Classes/Classes?page=${page}`), 'elements');
    found.push(...upcoming(elements, classStart));
    if (elements.length < CLASS_PAGE_SIZE) break;
  }
  return found.slice(0, CLASSES_SHOWN);
}

// The club's timetable for the coming week, by class type. The v2 API needs the club's client id
// and secret, so the call goes to this app's server, which adds them. That server acts for the
// club, so it answers only a signed-in member (the call carries the member's own PerfectGym
// token, which the server checks with PerfectGym and does not pass on), and only what its
// allow-list names: the club's classes, not its member directory.
async function loadPerfectGymTimetable(client, v2Proxy) {
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const now = Date.now();
  const filter = `isDeleted eq false and startDate ge ${iso(now)} and startDate lt ${iso(now + WEEK_MS)}`;
  const query = `$filter=${encodeURIComponent(filter)}&$expand=classType&$top=${TIMETABLE_ROWS}&$count=true`;
  const url = new URL(`odata/Classes?${query}`, new URL(v2Proxy, window.location.href));
  const token = client.session?.accessToken;
  const answer = await getOwnJson(url.href, token ? { authorization: `Bearer ${token}` } : {});
  const classes = list(answer, 'value');
  const total = num(answer?.['@odata.count']);
  const byType = new Map();
  for (const c of classes) {
    const name = pick(c.classType || {}, 'name') || 'Other';
    byType.set(name, (byType.get(name) || 0) + 1);
  }
  const rows = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const table = rows.length
    ? dataTable('Classes this week by type', [{ title: 'Class' }, { title: 'Classes', num: true }], rows.map(([name, n]) => [name, fmtNumber(n)]))
    : muted('No classes in the coming week.');
  const count = total != null && total > classes.length ? `${fmtNumber(classes.length)} of ${fmtNumber(total)}` : fmtNumber(classes.length);
  return [table, muted(`${count} classes in the next 7 days. API v2 needs the club’s client secret, so this comes through your server.`)];
}

export async function loadPerfectGym(client, config) {
  const [classes, timetable] = await Promise.all([
    upcomingClasses(client),
    // The timetable is a separate, server-side API: its failure should not hide the member's own classes.
    config.v2Proxy
      ? loadPerfectGymTimetable(client, config.v2Proxy).catch((err) => [
          h(
            'p',
            { class: 'inline-error', 'data-testid': 'timetable-error' },
            `Could not load the timetable via your server (${err.status ? `HTTP ${err.status}` : err.code || 'error'}).`,
          ),
        ])
      : null,
  ]);
  const table = classes.length
    ? dataTable('Upcoming classes', [{ title: 'Class' }, { title: 'Starts' }, { title: 'Instructor' }, { title: 'Places', num: true }], classes.map(classRow))
    : muted('No classes coming up.');
  const sections = [section('Upcoming classes', 'classes', table)];
  if (timetable) sections.push(section('Club timetable · API v2 via your server', 'timetable', timetable));
  return sections;
}

// ---------------------------------------------------------------------------
// OpenFIT: clients, and the sessions of the first client.
// ---------------------------------------------------------------------------

const CLIENTS_SHOWN = 6;

export async function loadOpenFit(client) {
  const clients = list(await getJson(client, '/api/clients'));
  const first = clients[0];
  const sessions = first ? list(await getJson(client, `/api/clients/${encodeURIComponent(first.id)}/sessions`)) : [];
  sessions.sort((a, b) => (Date.parse(pick(a, 'date', 'startsAt')) || 0) - (Date.parse(pick(b, 'date', 'startsAt')) || 0));
  const clientName = (c) => fullName(c.firstName, c.lastName, pick(c, 'name', 'reference') || `#${c.id}`);

  const clientTable = clients.length
    ? dataTable(
        'Clients',
        [{ title: 'Client' }, { title: 'Born' }, { title: 'Reference' }, { title: 'Open episodes', num: true }],
        clients
          .slice(0, CLIENTS_SHOWN)
          .map((c) => [clientName(c), fmtDate(c.dateOfBirth), pick(c, 'reference', 'externalId') ?? dash, fmtNumber(c.openEpisodes)]),
      )
    : muted('No clients yet.');

  const sessionTable = sessions.length
    ? dataTable(
        'Sessions',
        [{ title: 'Session' }, { title: 'Date' }, { title: 'Outcome measure' }, { title: 'Score', num: true }],
        sessions.map((s) => [
          pick(s, 'type', 'title') ? humanize(pick(s, 'type', 'title')) : 'Session',
          fmtDate(pick(s, 'date', 'startsAt')),
          s.outcome?.measure || dash,
          s.outcome?.score == null ? dash : fmtNumber(s.outcome.score, 1),
        ]),
      )
    : muted('No sessions yet.');

  const sections = [section(`Clients (${clients.length})`, 'clients', clientTable)];
  if (first) sections.push(section(`Sessions of ${clientName(first)} (${sessions.length})`, 'sessions', sessionTable));
  return sections;
}

// ---------------------------------------------------------------------------
// Fisikal: club locations and the class schedule.
// ---------------------------------------------------------------------------

const OCCURRENCES_SHOWN = 6;

function address(location) {
  const a = location.address;
  const parts = a && typeof a === 'object' ? [a.line1, a.line2, a.city, a.postcode] : [a, location.city, location.postcode];
  return parts.filter((p) => typeof p === 'string' && p).join(', ');
}

export async function loadFisikal(client) {
  const [locationAnswer, scheduleAnswer] = await Promise.all([
    getJson(client, '/api/unified/clubs/locations'),
    getJson(client, '/api/web/schedule/occurrences'),
  ]);
  const locations = list(locationAnswer, 'locations');
  const occurrences = list(scheduleAnswer, 'data');
  const locationName = new Map(locations.map((l) => [String(l.id), l.name]));

  const locationList = locations.length
    ? h(
        'ul',
        { class: 'items' },
        locations.map((l) =>
          h(
            'li',
            { class: 'item', 'data-testid': 'location' },
            h('strong', {}, l.name || `Location ${l.id}`),
            h('span', { class: 'item-sub' }, address(l) || dash),
          ),
        ),
      )
    : muted('No locations.');

  const shown = upcoming(occurrences, (o) => o.occurs_at).slice(0, OCCURRENCES_SHOWN);
  const schedule = shown.length
    ? dataTable(
        'Coming up on the schedule',
        [{ title: 'Class' }, { title: 'When' }, { title: 'Trainer' }, { title: 'Length', num: true }],
        shown.map((o) => [
          twoLines(
            o.status === 'cancelled'
              ? [o.service_title || 'Class', ' ', h('span', { class: 'tag tag-cancelled' }, 'Cancelled')]
              : o.service_title || 'Class',
            locationName.get(String(o.location_id)),
          ),
          fmtDateTime(o.occurs_at),
          o.trainer_name || dash,
          fmtMinutes(o.duration_in_minutes),
        ]),
      )
    : muted('Nothing coming up on the schedule.');

  const total = num(locationAnswer?.count) ?? locations.length;
  return [
    section(`Locations (${fmtNumber(total)})`, 'locations', locationList),
    section('Coming up on the schedule', 'schedule', schedule),
  ];
}
