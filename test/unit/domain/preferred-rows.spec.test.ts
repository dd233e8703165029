import { sessionSpec } from '../../support/given-when-then';
import { BOB, created, holdBest } from './builders';

const fullRow = (row: string) => Array.from({ length: 10 }, (_, i) => `${row}${i + 1}`);

describe('best available with several preferred rows', () => {
  it('when several rows are preferred, then each is as good as the others: the centre block of the front one is held', () => {
    sessionSpec({ numberOfSeats: 50, seating: { preferredRows: ['B', 'C', 'D'] } })
      .given([])
      .when(holdBest('r1', 2))
      .then([created('r1', ['B5', 'B6'])]);
  });

  it('when the preferred rows are full, then a row next to any one of them beats a row far from all of them', () => {
    // Rows A..E with A and E preferred and full: B and D are one row from a preferred row, C is two.
    sessionSpec({ numberOfSeats: 50, seating: { preferredRows: ['A', 'E'] } })
      .given([created('r0', [...fullRow('A'), ...fullRow('E')], { userId: BOB })])
      .when(holdBest('r1', 2))
      .then([created('r1', ['B5', 'B6'])]);
  });
});
