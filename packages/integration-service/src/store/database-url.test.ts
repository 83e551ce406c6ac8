import { describe, expect, it } from 'vitest';
import { databaseLocation, DatabaseUrlError } from './database-url.ts';

describe('the database from the environment', () => {
  it('BOOKSTRAP_DATABASE_URL first: postgres URLs, file: and sqlite: paths, a bare path', () => {
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: 'postgres://ill:pw@db:5432/bookstrap' })).toEqual({
      dialect: 'postgres',
      url: 'postgres://ill:pw@db:5432/bookstrap',
    });
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: 'postgresql://db/bookstrap', BOOKSTRAP_DB: '/x.sqlite' }).dialect).toBe('postgres');
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: 'file:///var/lib/bookstrap/db.sqlite' })).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/bookstrap/db.sqlite',
    });
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: 'file:data/db.sqlite' })).toEqual({ dialect: 'sqlite', path: 'data/db.sqlite' });
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: 'sqlite:/tmp/a.sqlite' })).toEqual({ dialect: 'sqlite', path: '/tmp/a.sqlite' });
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: '/srv/b.sqlite' })).toEqual({ dialect: 'sqlite', path: '/srv/b.sqlite' });
  });

  it('then BOOKSTRAP_DB, then the default file', () => {
    expect(databaseLocation({ BOOKSTRAP_DB: '/srv/c.sqlite' })).toEqual({ dialect: 'sqlite', path: '/srv/c.sqlite' });
    expect(databaseLocation({ BOOKSTRAP_DATABASE_URL: '  ', BOOKSTRAP_DB: '' })).toEqual({ dialect: 'sqlite', path: './data/bookstrap.sqlite' });
  });

  it('another scheme is refused, naming the variable and without the password', () => {
    expect(() => databaseLocation({ BOOKSTRAP_DATABASE_URL: 'mysql://root:secret@db/x' })).toThrow(DatabaseUrlError);
    expect(() => databaseLocation({ BOOKSTRAP_DATABASE_URL: 'mysql://root:secret@db/x' })).toThrow(
      'BOOKSTRAP_DATABASE_URL=mysql://…@db/x: give postgres://…, file:… or sqlite:… (a path)',
    );
  });
});
