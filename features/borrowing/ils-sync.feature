@borrowing
Feature: The ILS sync sees what circulation did first (borrowing)
  Circulation staff work in the ILS, not in Bookstrap: they check the temporary item in at the
  pickup desk, check it out to the patron, renew it, take it back. The library's ILS sync reads,
  through the ILS's own API, the records each request owns, and says on the request what happened
  (seeds 000, 001, 004): "Checking in first … will not cause problems".

  Background:
    Given a borrowing library on the ILS with the default integration settings

  @ils-pickup-checkout
  Scenario: The sync follows the pickup check-in and the check-out, with the ILS's due date
    Given a loan request for the good patron has been received with a lender due date in 30 days
    When the ILS sync runs
    Then the request shows the ILS state "awaiting-pickup-check-in"
    When circulation staff check the temporary item in at the pickup location
    And the ILS sync runs
    Then the request shows the ILS state "hold-ready"
    And the circulation history says "checked in at the pickup location"
    When circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    Then the request shows the ILS state "on-loan"
    And the request shows the due date of the patron's loan in the ILS
    And the circulation history says "was checked out to patron"
    And nothing is flagged for ILL staff

  @ils-pickup-checkout @loan-history
  Scenario: Picked up and returned at the desk between two syncs: recorded as such, not as an expired hold
    Given a loan request for the good patron has been received with a lender due date in 30 days
    And circulation staff check the temporary item in at the pickup location
    And the ILS sync runs
    When circulation staff check the temporary item out to the good patron
    And circulation staff take the return at the desk
    And the ILS sync runs
    Then the request shows the ILS state "checked-in"
    And the request flags "checked-in-at-desk" for ILL staff
    And the circulation history says "returned before the sync read it again"

  @ils-first-checkin
  Scenario: The item checked in at a desk before ILL marked it returned: the request says the ILS has it back
    Given a loan request for the good patron has been received with a lender due date in 30 days
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    When circulation staff take the return at the desk
    And the ILS sync runs
    Then the request shows the ILS state "checked-in"
    And the request flags "checked-in-at-desk" for ILL staff
    And the request offers "Mark the request returned" as the next action
    When ILL staff mark the request returned
    Then the temporary item is no longer on loan
    And no ILS step of the request needs attention

  @hold-expired @time-travel
  Scenario: The hold expired on the hold shelf: the patron did not pick the item up
    Given a loan request for the good patron has been received with a lender due date in 90 days
    And circulation staff check the temporary item in at the pickup location
    And the ILS sync runs
    When 30 days pass
    And the ILS sync runs
    Then the request shows the ILS state "hold-expired"
    And the request flags "hold-expired" for ILL staff
    And the temporary item is no longer on loan

  @circulation-renewal
  Scenario: A renewal done in circulation, not by the lender, is flagged for ILL staff and left alone
    Given a loan request for the good patron has been received with a lender due date in 20 days
    And the ILS's loan rules let the desk renew the temporary item
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    When circulation staff renew the patron's loan at the desk for 14 more days
    And the ILS sync runs
    Then the request flags "circulation-renewal" for ILL staff
    And the circulation history says "renewed in circulation"
    And the patron's loan is due on the date circulation gave it
    When ILL staff resolve the ILS finding
    Then the needs-attention queue is empty
    And the patron's loan is due on the date circulation gave it

  @circulation-renewal
  Scenario: A circulation renewal is put back to the strap date when the library says so
    Given the library puts loans renewed in circulation back to the strap date
    And a loan request for the good patron has been received with a lender due date in 20 days
    And the ILS's loan rules let the desk renew the temporary item
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    When circulation staff renew the patron's loan at the desk for 14 more days
    And the ILS sync runs
    Then the request flags "circulation-renewal" for ILL staff
    And the patron's loan is due on the lender's due date less the return offset
