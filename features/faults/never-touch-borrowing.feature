@faults @ownership
Feature: Borrowing: after a failed step, nothing the request does not own is touched
  A temporary barcode that belongs to another item makes the create step stop for staff. The
  later steps (hold, renewal due date, check-in on return, delete) act on the temporary item,
  so they are skipped: the other item and the local patron's loan on it stay exactly as they were.
  Once the request is returned the create step is moot too, and the request leaves the queue.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: A colliding temporary barcode: renewal and return leave the local patron's loan alone
    Given an item of the ILS is on loan to a local patron at the desk
    And a loan request for the good patron is in transit
    When ILL staff mark the request received with the barcode of that item
    Then the request needs attention
    When the lender approves a renewal until 40 days from today
    And ILL staff mark the request returned
    Then the local patron's loan is unchanged
    And that item is unchanged in the ILS
    And the ILS has no hold on that item
    And the request's "place-hold" step was skipped
    And the request's "check-in" step was skipped
    And the request's "create-temporary-item" step was skipped
    And no ILS step of the request needs attention
