import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { api, describeInBrowser, DESKTOP, freezableMap, openAs, PHONE, SCREENSHOTS, seat, stillSameDocument, useSeatPicker, type Picker } from './browser';

/**
 * The seat picker in a real Chromium: two users on one session, keyboard use, the box office, both screen widths.
 * Holds last 10 minutes here so that a slow, shared machine cannot expire one in the middle of a test.
 */
jest.setTimeout(180_000);

interface Session {
  id: string;
  movieName: string;
}
interface Reservation {
  id: string;
}

const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function newSession(picker: Picker, numberOfSeats = 16): Promise<Session> {
  return api<Session>(picker, 'POST', '/sessions', {
    movieName: uid('Movie'),
    startTime: '2031-05-01T20:00:00Z',
    roomNumber: 'Room 7',
    ticketPrice: 12.5,
    numberOfSeats,
  });
}

async function holdByApi(picker: Picker, sessionId: string, seatNumbers: string[], userId: string): Promise<Reservation> {
  return api<Reservation>(picker, 'POST', '/reservations', { sessionId, seatNumbers, userId });
}

async function openSession(page: Page, session: Session): Promise<void> {
  await page.getByRole('link', { name: session.movieName }).click();
  await page.getByRole('heading', { level: 1, name: session.movieName }).waitFor();
}

/** The label of the seat that has the keyboard focus, or null when the focus is elsewhere. */
async function focusedSeat(page: Page): Promise<string | null> {
  return (await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-seat')")) as string | null;
}

describeInBrowser('the seat picker in a browser', () => {
  const picker = useSeatPicker({ RESERVATION_TTL_SECONDS: '600' });

  afterEach(() => {
    expect(picker.foreignRequests).toEqual([]);
    expect(picker.pageErrors).toEqual([]);
  });

  it('two users select A1; one holds it; the other, whose map had not caught up yet, gets the conflict and then sees A1 taken without a reload; the winner pays', async () => {
    const session = await newSession(picker);
    const [ann, bob] = await Promise.all([openAs(picker, uid('ann')), openAs(picker, uid('bob'))]);
    const bobsMap = await freezableMap(bob);
    await Promise.all([openSession(ann, session), openSession(bob, session)]);

    for (const page of [ann, bob]) await seat(page, 'Row A, seat 1, available').click();
    for (const page of [ann, bob]) await page.getByRole('button', { name: 'Row A, seat 1, available', pressed: true }).waitFor();

    bobsMap.freeze();
    await ann.getByRole('button', { name: 'Hold 1 seat' }).click();
    await seat(ann, 'Row A, seat 1, held by you').waitFor();
    expect(await ann.getByRole('timer').textContent()).toMatch(/^expires in (10:00|9:[0-5]\d)$/);

    await bob.getByRole('button', { name: 'Hold 1 seat' }).click();
    const conflict = bob.getByRole('alert');
    await conflict.waitFor();
    expect(await conflict.locator('.notice-title').textContent()).toBe('Seats unavailable');
    expect(await conflict.locator('.notice-detail').textContent()).toBe('Seats not available: A1');
    await bobsMap.thaw();
    await seat(bob, 'Row A, seat 1, held').waitFor();
    expect(await bob.getByRole('button', { name: 'Hold seats' }).isDisabled()).toBe(true);

    await ann.getByRole('button', { name: 'Pay 12.50' }).click();
    await ann.getByText('Paid 12.50. Your tickets: A1.').waitFor();
    await ann.locator('.ticket', { hasText: 'Seat A1' }).waitFor();
    await seat(ann, 'Row A, seat 1, your ticket').waitFor();
    await seat(bob, 'Row A, seat 1, sold').waitFor();

    await ann.getByRole('link', { name: 'My purchases' }).click();
    await ann.getByRole('cell', { name: session.movieName }).waitFor();
    await ann.getByText('1 ticket, 12.50 in all').waitFor();
    expect(await stillSameDocument(ann)).toBe(true);
    expect(await stillSameDocument(bob)).toBe(true);
  });

  it('drops a selected seat that someone else takes, with a message, and follows holds made elsewhere', async () => {
    const session = await newSession(picker);
    const page = await openAs(picker, uid('cleo'));
    await openSession(page, session);
    await seat(page, 'Row B, seat 2, available').click();
    await seat(page, 'Row B, seat 3, available').click();

    await holdByApi(picker, session.id, ['B2'], uid('dan'));

    await seat(page, 'Row B, seat 2, held').waitFor();
    await page.getByText('Seat B2 just went to someone else and left your selection.').waitFor();
    await page.getByRole('button', { name: 'Row B, seat 3, available', pressed: true }).waitFor();
    await page.getByRole('button', { name: 'Hold 1 seat' }).waitFor();
    expect(await stillSameDocument(page)).toBe(true);
  });

  it('works with the keyboard alone: Tab into the map, arrows to a seat, Space selects, Enter holds, cancel frees it', async () => {
    const session = await newSession(picker);
    const page = await openAs(picker, uid('eve'));
    await openSession(page, session);
    await seat(page, 'Row A, seat 1, available').waitFor();

    for (let i = 0; i < 20 && (await focusedSeat(page)) === null; i++) await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.getAttribute('aria-label')).toBe('Row A, seat 1, available');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Row B, seat 3, available', pressed: true }).waitFor();

    await page.keyboard.press('Tab');
    expect(await focused.textContent()).toBe('Hold 1 seat');
    await page.keyboard.press('Enter');
    await seat(page, 'Row B, seat 3, held by you').waitFor();

    await page.getByRole('button', { name: 'Cancel hold' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Hold cancelled: B3 is free again.').waitFor();
    await seat(page, 'Row B, seat 3, available').waitFor();
  });

  it('lets the box office create a session from the page and see its sales and fill rate', async () => {
    const page = await openAs(picker, uid('boxoffice'));
    await page.getByRole('link', { name: 'Admin' }).click();
    const movie = uid('Premiere');
    await page.getByLabel('Movie', { exact: true }).fill(movie);
    await page.getByLabel('Seats', { exact: true }).fill('24');
    await page.getByLabel('Seats per row').fill('8');
    await page.getByLabel('Ticket price').fill('9.50');
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.getByText(`Created “${movie}” with 24 seats.`).waitFor();

    const card = page.locator('.admin-card', { hasText: movie });
    await card.getByText('Sold 0 of 24 (0%) · held 0 · revenue 0.00').waitFor();
    const sessionId = await card.getAttribute('data-session');
    const buyer = uid('fay');
    const hold = await holdByApi(picker, sessionId!, ['C8', 'A1'], buyer);
    await api(picker, 'POST', '/reservations/confirm-payment', { reservationId: hold.id, userId: buyer });

    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await card.getByText('Sold 2 of 24 (8.3%) · held 0 · revenue 19.00').waitFor();
    await card.getByText('Sales (2)').click();
    await card.getByRole('cell', { name: buyer }).first().waitFor();

    await page.screenshot({ path: join(SCREENSHOTS, 'box-office.png'), fullPage: true });
    await page.getByRole('link', { name: movie }).click();
    await seat(page, 'Row C, seat 8, sold').waitFor();
    expect(await page.locator('.seat-row').count()).toBe(3);
  });

  it('shows the map at desktop and phone width (screenshots in test-output/screenshots)', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const session = await newSession(picker, 60);
      const buyer = uid('gus');
      const sold = await holdByApi(picker, session.id, ['C4', 'C5', 'C6'], buyer);
      await api(picker, 'POST', '/reservations/confirm-payment', { reservationId: sold.id, userId: buyer });
      await holdByApi(picker, session.id, ['D2', 'D3'], uid('hal'));

      const page = await openAs(picker, uid('ivy'), viewport);
      await openSession(page, session);
      await seat(page, 'Row F, seat 9, available').click();
      await page.getByRole('button', { name: 'Hold 1 seat' }).click();
      await page.getByRole('button', { name: 'Pay 12.50' }).click();
      await seat(page, 'Row F, seat 9, your ticket').waitFor();
      await seat(page, 'Row E, seat 5, available').click();
      await seat(page, 'Row E, seat 6, available').click();
      await page.getByRole('button', { name: 'Hold 2 seats' }).click();
      await seat(page, 'Row E, seat 6, held by you').waitFor();
      await seat(page, 'Row B, seat 4, available').click();
      await seat(page, 'Row D, seat 3, held').waitFor();
      await seat(page, 'Row C, seat 5, sold').waitFor();
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, `seat-map-${name}.png`), fullPage: true });
    }
  });
});
