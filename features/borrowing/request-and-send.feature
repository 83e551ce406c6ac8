@borrowing
Feature: Borrowing request and sending it to lenders
  A patron asks for a book the library does not own. ILL staff record the request with the
  patron's ILS identifier and send it down the lender string.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: A loan request with a patron ID is verified in the ILS and sent
    When ILL staff create a loan request for the good patron
    Then the request is "new-for-review"
    And the circulation history says "verified in the circulation system"
    When ILL staff send the request
    Then the request is "sent"

  Scenario: A loan request without a patron ID cannot be sent
    When ILL staff create a loan request with no patron ID
    And ILL staff try to send the request
    Then the service refuses with "PATRON_ID_REQUIRED"
    And the request is "new-for-review"

  Scenario: The next lender in the string gets the request when the first cannot supply
    When ILL staff create a loan request for the good patron
    And ILL staff send the request
    And the lender says it cannot supply
    Then the request is "sent"
    And the circulation history says "sent to the next lender"
