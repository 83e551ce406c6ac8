@borrowing
Feature: Copies and in-library-use-only loans

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: A copy request never creates a temporary item
    Given a copy request for the good patron is in transit
    When ILL staff mark the request received
    Then the request is "complete"
    And the ILS has no item with the request ID as barcode

  Scenario: An in-library-use-only loan gets a hold but is never checked out
    Given an in-library-use-only loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the ILS has a hold on the temporary item for the good patron at the pickup location
    And the temporary item is marked for library use only
    And circulation staff cannot check the temporary item out to the good patron
