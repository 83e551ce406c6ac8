@wms @lending
Feature: WorldShare Circulation: lent items as OCLC describes them
  When ILL ships, the item is checked out to the borrowing institution's patron account with the
  request's due date. While it is out, WMS shows the request ID and the borrowing institution on
  the item; after the first check-in it no longer does.

  Background:
    Given a lending library on the ILS with the default integration settings

  Scenario: The lent item shows the request and the borrowing institution until it is checked in
    Given a lending request from the partner library for an available item
    When ILL staff ship the item due in 30 days
    Then WMS shows the lent item with the request ID and the partner library
    When the borrowing library returns the item
    And ILL staff check the item in
    Then the item is not on loan in the ILS
    And WMS no longer shows a request ID on the lent item
