@borrowing
Feature: Return to the lender and completion
  ILL staff mark the item returned: the temporary item is checked in and deleted. The lender
  checks it in and the request is complete.

  Background:
    Given a borrowing library on the ILS with the default integration settings
    And a loan request for the good patron has been received
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron

  @delete-temporary-item
  Scenario: Returned checks the temporary item in and deletes it
    When circulation staff take the return at the desk
    And ILL staff mark the request returned
    Then the request is "returned"
    And the ILS has no item with the request ID as barcode
    And the circulation history says "deleted"
    When the lender checks the item in
    Then the request is "complete"

  Scenario: An item already checked in at a desk counts as checked in
    When circulation staff take the return at the desk
    And ILL staff mark the request returned
    Then the circulation history says "already checked in"
    And no ILS step of the request needs attention

  @returned-while-on-loan
  Scenario: Returned straight to the ILL office while still on loan: the loan is closed and the temporary item cleaned up
    Given an item of the ILS is on loan to a local patron at the desk
    When ILL staff mark the request returned
    Then the request is "returned"
    And the temporary item is no longer on loan
    And the temporary item is cleaned up as the ILS does it
    And the local patron's loan is unchanged
    And no ILS step of the request needs attention

  @returned-while-on-loan
  Scenario: Returned while on loan, the temporary item kept: the check-in itself closes the patron's loan
    Given the library keeps temporary items after return
    When ILL staff mark the request returned
    Then the request is "returned"
    And the temporary item is no longer on loan
    And the ILS still has a temporary item with the request ID as barcode
    And no ILS step of the request needs attention

  @retain-temporary-item
  Scenario: The ILS keeps the temporary item after return
    When ILL staff mark the request returned
    Then the temporary item is no longer on loan
    And the ILS still has a temporary item with the request ID as barcode
    And the circulation history says "kept in the ILS"
