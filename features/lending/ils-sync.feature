@lending
Feature: Lending due dates and what circulation did first (lending)
  A lent item is due on the request's date, "not by Circulation policy configurations" (seed 000):
  never moved by the circulation calendar; without one the ILS loan policy applies; capped at the
  borrowing library account's expiry, and the cap is reported on the request. If circulation checks
  the item in before ILL does, nothing breaks, and the request shows that the ILS has it back.

  Background:
    Given a lending library on the ILS with the default integration settings
    And a lending request from the partner library for an available item

  @lender-due-date
  Scenario: The lent item is due on the request's date, even when the library is closed that day
    When ILL staff ship the item due on the library's next closed day
    Then the item is on loan in the ILS to the partner library's account due on the request's date

  @lender-due-date
  Scenario: A due date past the borrowing library account's expiry is capped, and the request says so
    When ILL staff ship the item due in 2000 days
    Then the item is on loan in the ILS to the partner library's account due before the request's date
    And the request reports the due date the ILS capped the loan at
    And the circulation history says "Due date capped by the ILS"

  @ils-first-checkin @ils-item-status
  Scenario: The lent item checked in at a desk before ILL completed the request
    When ILL staff ship the item due in 28 days
    And the ILS sync runs
    And circulation staff take the lent item back at the desk
    And the ILS sync runs
    Then the request flags "lent-item-checked-in" for ILL staff
    And the request offers "Complete" as the next action
    When ILL staff check the item in
    Then the request is "complete"
    And no ILS step of the request needs attention
