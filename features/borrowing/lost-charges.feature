@borrowing @lost-charges
Feature: Overdue and lost charges
  A lost ILL item carries two charges on the patron's account: the replacement cost and the
  processing fee (seed 004: "2 charges for the same item… $30 processing charge"), charged in the
  ILS where its API can. When the item comes back, the charges this request made are taken back;
  no other fee of the patron is touched.

  Background:
    Given a borrowing library on the ILS with the default integration settings
    And the library charges a replacement cost of 45.00 and a processing fee of 30.00 for lost items
    And a loan request for the good patron has been received
    And circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron

  Scenario: A lost item is charged twice: the replacement cost and the processing fee
    When the request goes overdue and ILL staff mark it lost
    Then the request is "lost"
    And the ILS has a fee of 45.00 for the good patron
    And the ILS has a fee of 30.00 for the good patron
    And the circulation history says "charged to patron"
    And no ILS step of the request needs attention

  Scenario: The lender's replacement cost replaces the library's default
    When the request goes overdue and ILL staff mark it lost with a replacement cost of 62.50
    Then the ILS has a fee of 62.50 for the good patron
    And the ILS has a fee of 30.00 for the good patron

  @fee-removal
  Scenario: The lost item comes back: its two charges are taken back, another request's stay
    Given another loan request for the good patron was lost and charged
    When the request goes overdue and ILL staff mark it lost
    And the lost item comes back to the ILL office
    Then the request is "returned"
    And the ILS has no fee for the good patron for this request
    And the other request's charges are still on the good patron's account
    And the temporary item is no longer on loan
    And no ILS step of the request needs attention
