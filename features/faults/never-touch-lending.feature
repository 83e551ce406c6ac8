@faults @ownership
Feature: Lending: a loan Bookstrap did not make for this request is left alone
  The lending check-out is the request's record in the ILS. A check-in or a due-date change acts
  only on that loan, to the borrowing library's account; a loan the desk made, or one made for
  another request, is the ILS's or that request's, and stays exactly as it was.

  Background:
    Given a lending library on the ILS with the default integration settings

  Scenario: A failed ship (the item is on loan to a local patron): the later check-in leaves that loan alone
    Given an item of the ILS is on loan to a local patron at the desk
    And a lending request from the partner library for that item
    When ILL staff ship the item due in 30 days
    Then the local patron's loan is unchanged
    And the request's "check-out-to-borrowing-library" step needs staff, saying "another|already checked out"
    And the request needs attention
    When the borrowing library returns the item
    And ILL staff check the item in
    Then the local patron's loan is unchanged
    And the request's "check-out-to-borrowing-library" step was skipped
    And the request's "check-in" step was skipped
    And no ILS step of the request needs attention

  @ils-ownership-check
  Scenario: Circulation took the item back and lent it locally: renewal and check-in leave that loan alone
    Given a lending request from the partner library for an available item
    And ILL staff ship the item due in 30 days
    When circulation staff take the lent item back at the desk
    And circulation staff lend the item to a local patron
    And the borrowing library asks for a renewal and it is approved until 45 days from today
    And the borrowing library returns the item
    And ILL staff check the item in
    Then the local patron's loan is unchanged
    And the request's "check-in" step needs staff, saying "left alone"
    And the request needs attention

  Scenario: The same item shipped to the same library for a second request leaves the first loan alone
    Given a lending request from the partner library for an available item
    And ILL staff ship the item due in 30 days
    When a second lending request from the partner library for the same item is shipped due in 45 days
    Then the first request's loan is unchanged
    And the request's "check-out-to-borrowing-library" step needs staff, saying "not this request's"
    And the first request still has its loan
