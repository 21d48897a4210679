-- 0003_countries.sql: the countries reference table.
--
-- The rows are not here: they come from transform's country code table and
-- are rewritten on every read-write open by countries.sql (generated from
-- that table), so a name fixed in the code reaches the warehouse without a
-- new migration. This file only fixes the shape.
--
-- Numbered 0003 while 0002 is claimed by other work: the loader applies
-- missing migrations in number order whenever they appear, so neither may
-- depend on the other.

CREATE TABLE countries (
    code   VARCHAR PRIMARY KEY,
    alpha3 VARCHAR NOT NULL,
    name   VARCHAR NOT NULL
);

COMMENT ON TABLE countries IS 'Reference table of countries: every ISO 3166-1 country plus Kosovo (XK), with the English short name reports use. Join it on a country code (destination, citizenship) to show names. Rewritten from emigre''s code table on every refresh.';
COMMENT ON COLUMN countries.code IS 'ISO 3166-1 alpha-2 code (DE), the code every other table uses. Publisher aliases are already translated (Eurostat''s EL is GR, UK is GB).';
COMMENT ON COLUMN countries.alpha3 IS 'ISO 3166-1 alpha-3 code (DEU), for joining data keyed that way (World Bank, UN).';
COMMENT ON COLUMN countries.name IS 'Common English short name (Germany, Türkiye).';
