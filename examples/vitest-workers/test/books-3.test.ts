import { booksTest } from './books.js';

booksTest('books-3');
