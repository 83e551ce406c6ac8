@wms @borrowing
Feature: WorldShare Circulation: borrowed items as OCLC and a WMS library describe them
  On WMS the temporary item and its item-level hold are created when ILL marks the item received.
  The hold waits in Pending until circulation staff check the item in at the pickup branch; then it
  is Ready for use and WMS sends the pickup notice. At check-out WMS reverts the due date to the
  stricter of the lender's date and its own loan policy. After return the temporary item stays,
  Unavailable, still showing the request ID. Staff who lose the strap find the item by title at the
  desk; OCLC offers no API for that search, so the service answers it from its own records.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: The hold stays Pending until the item is checked in at the pickup branch
    Given a loan request for the good patron has been received
    Then the hold on the temporary item is Pending in WMS
    And WMS has sent the patron no pickup notice for the temporary item
    When circulation staff check the temporary item in at another library
    Then the hold on the temporary item is in transit
    And WMS has sent the patron no pickup notice for the temporary item
    When circulation staff check the temporary item in at the pickup location
    Then the hold on the temporary item is ready for pickup
    And WMS has sent the patron a pickup notice for the temporary item

  Scenario: WMS policy cuts a longer lender date; staff match the book strap
    Given the library's own loan rule for ILL items is 120 days
    And a loan request for the good patron has been received with a lender due date in 120 days
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    Then WMS set the due date by its loan policy, not by the lender's date
    And WMS shows the date on the book strap as the temporary item's lender due date
    When circulation staff change the due date to the date on the book strap
    Then the patron's loan is due on the lender's due date less the return offset

  Scenario: A shorter lender date wins over WMS policy
    Given a loan request for the good patron has been received with a lender due date in 10 days
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    Then WMS set the due date by the lender's date
    And the patron's loan is due on the lender's due date less the return offset

  Scenario: After return the temporary item stays in WMS, Unavailable, with the request ID
    Given a loan request for the good patron has been received
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    When ILL staff mark the request returned
    Then the temporary item is no longer on loan
    And WMS shows the temporary item as Unavailable with the request ID
    And the circulation history says "kept in the ILS"
    And no ILS step of the request needs attention

  Scenario: Returned at another branch, the item travels to the temporary item home branch first
    Given a loan request for the good patron has been received
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    When circulation staff check the temporary item in at another library
    Then WMS shows the temporary item in transit
    When circulation staff check the temporary item in at its home branch
    Then WMS shows the temporary item as Unavailable with the request ID
    When ILL staff mark the request returned
    Then the circulation history says "already checked in"
    And no ILS step of the request needs attention

  Scenario: Without the strap, staff find the temporary item by title or on the patron's account
    Given a loan request for the good patron has been received
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    Then staff find the temporary item by its title among WMS temporary items
    And staff find the temporary item by its title through the service, from the service's own records
    And staff find the temporary item among the good patron's checkouts
