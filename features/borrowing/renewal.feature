@borrowing
Feature: Renewals approved or denied by the lender

  Background:
    Given a borrowing library on the ILS with the default integration settings
    And a loan request for the good patron has been received with a lender due date in 20 days
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron

  @due-date-update
  Scenario: An approved renewal updates the ILS due date
    When the lender approves a renewal until 60 days from today
    Then the patron's loan is due on the lender's due date less the return offset
    And the circulation history says "updated to"

  Scenario: A denied renewal changes nothing in the ILS
    When the patron asks for a renewal
    And the lender denies the renewal
    Then the request is "received"
    And the patron's loan due date is unchanged
